using System.Text.Json;
using Kudos.Grains;
using Kudos.Grains.Email;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Kudos.Api.Webhooks;

/// <summary>The answer to a provider: whether the event was new.</summary>
public sealed record WebhookReceipt(string Id, bool Duplicate);

/// <summary>
/// <c>POST /api/webhooks/email-events</c>: signed provider events (Standard Webhooks / Svix, as Resend sends them). The
/// signature is checked on the raw bytes before anything is parsed; the event is recorded (one durable write) and the
/// provider answered at once; applying it to its dispatch happens afterwards.
/// </summary>
public static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/webhooks/email-events", ReceiveAsync).WithName("ReceiveEmailEvent").WithTags("Webhooks")
            .WithSummary("Signed provider events: email.sent, delivered, delivery_delayed, bounced, complained, opened, clicked.");
        return app;
    }

    private static async Task<Results<Ok<WebhookReceipt>, ProblemHttpResult>> ReceiveAsync(
        HttpRequest request, IGrainFactory grains, IOptions<EmailEventsWebhookOptions> options, TimeProvider time, CancellationToken ct)
    {
        var body = await ReadBodyAsync(request, ct);
        var id = Header(request, "webhook-id");
        var verifier = new WebhookSignature(options.Value.Secrets, options.Value.Tolerance);
        if (verifier.Verify(id, Header(request, "webhook-timestamp"), Header(request, "webhook-signature"), body, time.GetUtcNow()) is { } refusal)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid webhook signature", detail: refusal + " Nothing was recorded.");
        }

        var providerEvent = Parse(id!, body);
        var isNew = await grains.GetGrain<IWebhookEventGrain>(ProviderIndex.EventKey(id!)).RecordAsync(providerEvent);
        return TypedResults.Ok(new WebhookReceipt(id!, Duplicate: !isNew));
    }

    /// <summary>The Standard Webhooks header, or its <c>svix-</c> alias.</summary>
    private static string? Header(HttpRequest request, string name)
    {
        var value = request.Headers[name].ToString();
        return value.Length > 0 ? value : request.Headers["svix-" + name["webhook-".Length..]].ToString() is { Length: > 0 } alias ? alias : null;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        try
        {
            await request.Body.CopyToAsync(buffer, ct);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new KudosException(KudosErrorKind.Validation, "body_too_large", "The event is larger than the 64 KB limit.");
        }

        return buffer.ToArray();
    }

    /// <summary>Reads Resend's event shape: <c>{type, created_at, data: {email_id, to, bounce: {type, message}, click: {link}}}</c>.</summary>
    private static ProviderEvent Parse(string id, byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var type = root.GetProperty("type").GetString() ?? throw new JsonException("type is null");
            var occurredAt = root.TryGetProperty("created_at", out var created) && created.TryGetDateTimeOffset(out var at) ? at.ToUniversalTime() : DateTimeOffset.UtcNow;
            var data = root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
            string? Str(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var recipient = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("to", out var to)
                ? (to.ValueKind == JsonValueKind.Array ? to.EnumerateArray().Select(t => t.GetString()).FirstOrDefault() : to.GetString())
                : null;
            var bounce = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("bounce", out var b) ? b : default;
            var click = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("click", out var c) ? c : default;
            var detail = Str(bounce, "message") ?? Str(click, "link");
            return new ProviderEvent(id, type, occurredAt, Str(data, "email_id"), Str(bounce, "type"), recipient, detail is { Length: > 500 } ? detail[..500] : detail);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new KudosException(KudosErrorKind.Validation, "malformed_event", "The event must be a JSON object with a string 'type' and a 'data' object (Resend's format).");
        }
    }
}

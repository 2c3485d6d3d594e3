using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using Kudos.Api.Hosting;
using Kudos.Api.OpenApi;
using Kudos.Grains;
using Kudos.Grains.Email;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Kudos.Api.Webhooks;

/// <summary>The answer to a provider: whether the event was new.</summary>
public sealed record WebhookReceipt(string Id, bool Duplicate);

/// <summary>
/// A provider's event as Resend sends it: what the endpoint reads from the body. The body is read as raw bytes (the
/// signature covers them) and parsed after the check; this type documents it.
/// </summary>
public sealed record EmailEventBody(
    [property: Required, Description("email.sent, email.delivered, email.delivery_delayed, email.bounced, email.complained, email.opened or email.clicked; other types are recorded and ignored.")] string Type,
    [property: JsonPropertyName("created_at"), Description("When the provider saw the event.")] DateTimeOffset? CreatedAt,
    [property: Required] EmailEventData Data) : IRequestBody;

/// <summary>The <c>data</c> member of a provider event.</summary>
public sealed record EmailEventData(
    [property: JsonPropertyName("email_id"), Description("The provider's message id, as named in the SMTP server's acceptance reply.")] string? EmailId,
    IReadOnlyList<string>? To,
    EmailEventBounce? Bounce,
    EmailEventClick? Click) : IRequestBody;

/// <summary>The bounce of an <c>email.bounced</c> event.</summary>
public sealed record EmailEventBounce([property: Description("Permanent (hard) or Transient (soft).")] string? Type, string? Message) : IRequestBody;

/// <summary>The click of an <c>email.clicked</c> event.</summary>
public sealed record EmailEventClick(string? Link) : IRequestBody;

/// <summary>
/// <c>POST /api/webhooks/email-events</c>: signed provider events (Standard Webhooks / Svix, as Resend sends them). The
/// signature is checked on the raw bytes before anything is parsed; the event is recorded (one durable write) and the
/// provider answered at once; applying it to its dispatch happens afterwards.
/// </summary>
public static class WebhooksApi
{
    /// <summary>The longest bounce message or clicked link kept from a provider event; the rest is cut.</summary>
    public const int MaxEventDetailLength = 500;

    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/webhooks/email-events", ReceiveAsync).WithName("ReceiveEmailEvent").RequireRateLimiting(RateLimits.Webhook).WithTags("Webhooks")
            .WithSummary("Signed provider events: email.sent, delivered, delivery_delayed, bounced, complained, opened, clicked.")
            .WithDescription("Standard Webhooks / Svix signatures: the `webhook-*` headers (or their `svix-*` aliases) sign the raw body with a secret of `Webhooks:EmailEvents:Secrets`.")
            .Accepts<EmailEventBody>("application/json")
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status413PayloadTooLarge)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Parameters ??= [];
                foreach (var (name, description) in SignatureHeaders)
                {
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = name,
                        In = ParameterLocation.Header,
                        Description = description + $" (or `svix-{name["webhook-".Length..]}`).",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    });
                }

                return Task.CompletedTask;
            });
        return app;
    }

    private static readonly (string Name, string Description)[] SignatureHeaders =
    [
        ("webhook-id", "The event's id; each is applied once"),
        ("webhook-timestamp", "Unix seconds; refused when more than Webhooks:EmailEvents:Tolerance away from now"),
        ("webhook-signature", "Space-separated `v1,<base64 HMAC-SHA256>` signatures of `{id}.{timestamp}.{body}`"),
    ];

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
        // Over the body limit, Kestrel throws BadHttpRequestException (413), which the exception handler answers.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
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
            return new ProviderEvent(id, type, occurredAt, Str(data, "email_id"), Str(bounce, "type"), recipient, detail is { Length: > MaxEventDetailLength } ? detail[..MaxEventDetailLength] : detail);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new KudosException(KudosErrorKind.Validation, "malformed_event", "The event must be a JSON object with a string 'type' and a 'data' object (Resend's format).");
        }
    }
}

using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Kudos.Testing;

namespace Kudos.EndToEndTests.Infrastructure;

/// <summary>Plays the email provider: posts events signed the Standard Webhooks way, as Resend does.</summary>
public static class Provider
{
    /// <summary>
    /// Waits until a silo announces that the event <paramref name="webhookId"/> was processed (applied to its dispatch or
    /// kept as unmatched), which it logs after storing the outcome; false when <paramref name="timeout"/> passed first.
    /// </summary>
    public static async Task<bool> WaitProcessedAsync(KudosStack stack, string webhookId, TimeSpan timeout, CancellationToken ct) =>
        await stack.WaitForSiloLineAsync(
            new Regex($@"Webhook event {Regex.Escape(webhookId)} \(.*\) (applied to dispatch|names unknown provider message)", RegexOptions.CultureInvariant),
            timeout,
            ct) is not null;

    public static string Event(string type, string providerMessageId, string to, DateTimeOffset at, string? bounceType = null) => JsonSerializer.Serialize(new
    {
        type,
        created_at = at.ToString("O"),
        data = new
        {
            email_id = providerMessageId,
            to = new[] { to },
            bounce = bounceType is null ? null : new { type = bounceType, message = "The recipient's mailbox does not exist" },
        },
    });

    public static HttpRequestMessage Signed(string id, string json, string secret, long? timestamp = null, bool svixHeaders = false, string? signature = null)
    {
        var at = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var body = Encoding.UTF8.GetBytes(json);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/email-events") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var prefix = svixHeaders ? "svix-" : "webhook-";
        request.Headers.Add(prefix + "id", id);
        request.Headers.Add(prefix + "timestamp", at.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(prefix + "signature", signature ?? Sign(secret, id, at, body));
        return request;
    }

    /// <summary>The Standard Webhooks signature, written here from the specification as an independent check of the API's.</summary>
    public static string Sign(string secret, string id, long timestamp, byte[] body)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var content = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray();
        return "v1," + Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(key, content));
    }

    public static async Task<HttpResponseMessage> PostAsync(KudosStack stack, string id, string json, string secret, CancellationToken ct, bool svixHeaders = false) =>
        await stack.Http.SendAsync(Signed(id, json, secret, svixHeaders: svixHeaders), ct);
}

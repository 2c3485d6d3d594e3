using System.Net.Http.Headers;
using System.Text;

namespace Kudos.EndToEndTests.Fuzz;

/// <summary>One generated request, as data: built into an <see cref="HttpRequestMessage"/> at send time and described on failure.</summary>
public sealed record FuzzRequest(
    int Index,
    string Route,
    string Method,
    string PathAndQuery,
    IReadOnlyList<(string Name, string Value)> Headers,
    byte[]? Body,
    IReadOnlyList<string> ContentTypes,
    bool SignAsWebhook)
{
    public HttpRequestMessage Build(string? webhookSecret)
    {
        var request = new HttpRequestMessage(new HttpMethod(Method), PathAndQuery);
        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (Body is not null)
        {
            request.Content = new ByteArrayContent(Body);
            foreach (var contentType in ContentTypes)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        if (SignAsWebhook && webhookSecret is not null)
        {
            var id = $"msg_fuzz_{Index}";
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            request.Headers.Remove("webhook-id");
            request.Headers.Remove("webhook-timestamp");
            request.Headers.Remove("webhook-signature");
            request.Headers.Add("webhook-id", id);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", Infrastructure.Provider.Sign(webhookSecret, id, timestamp, Body ?? []));
        }

        return request;
    }

    public override string ToString()
    {
        var text = new StringBuilder($"#{Index} {Method} {PathAndQuery} [{Route}]");
        foreach (var (name, value) in Headers)
        {
            text.Append(HeaderLine(name, value));
        }

        foreach (var contentType in ContentTypes)
        {
            text.Append(HeaderLine("Content-Type", contentType));
        }

        if (SignAsWebhook)
        {
            text.Append("\n  (signed as a provider webhook)");
        }

        if (Body is not null)
        {
            var shown = Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 300));
            text.Append($"\n  body ({Body.Length} bytes): {shown}{(Body.Length > 300 ? "…" : "")}");
        }

        return text.ToString();
    }

    private static string HeaderLine(string name, string value) =>
        $"\n  {name}: {(value.Length > 120 ? value[..120] + "…" : value)}";
}

/// <summary>The fuzz client: header values go out as UTF-8, so the generator can send unicode the server must refuse properly.</summary>
public static class FuzzHttp
{
    public static HttpClient Client(Uri baseAddress) => new(new SocketsHttpHandler
    {
        RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
        // A connection per request: Kestrel closes a connection after refusing a body it did not read, and a pooled one can
        // be picked for the next request just as that happens; the request would then fail for a reason not its own.
        PooledConnectionLifetime = TimeSpan.Zero,
        AllowAutoRedirect = false,
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(60),
        DefaultRequestHeaders = { Accept = { new MediaTypeWithQualityHeaderValue("*/*") } },
    };
}

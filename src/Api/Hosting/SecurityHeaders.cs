using Microsoft.Net.Http.Headers;

namespace Kudos.Api.Hosting;

/// <summary>
/// Headers on every response, problems and 429s included: no content sniffing, no referrer (page and API URLs carry board
/// ids), and <c>Cache-Control: no-store</c> on everything that did not choose its own caching. API answers carry keys and
/// recipient links (board and card creation, the owner view), which no browser or intermediary cache may keep; the web
/// client's static files set their own revalidating policy.
/// </summary>
public static class SecurityHeaders
{
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var headers = ((HttpResponse)state).Headers;
                headers[HeaderNames.XContentTypeOptions] = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                if (headers.CacheControl.Count == 0)
                {
                    headers.CacheControl = "no-store";
                }

                return Task.CompletedTask;
            }, context.Response);
            return next(context);
        });
        return app;
    }
}

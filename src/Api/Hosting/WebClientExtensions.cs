using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace Kudos.Api.Hosting;

/// <summary>
/// The web client: the pages in <c>wwwroot</c> (compiled from <c>Web/*.ts</c> by the build) and the page routes people
/// receive as links. Keys stay in URL fragments, which never reach the server, so these routes only ever serve files.
/// </summary>
public static class WebClientExtensions
{
    // Scripts, styles and requests only from this origin: user text can never run, even if a page rendered it as HTML.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Page routes and the file each serves; <c>/</c> serves <c>index.html</c> (create a board).</summary>
    public static readonly IReadOnlyDictionary<string, string> Pages = new Dictionary<string, string>
    {
        ["/o/{id:guid}"] = "owner.html",
        ["/c/{id:guid}"] = "contribute.html",
        ["/b/{id:guid}"] = "board.html",
        ["/confirm/{id:guid}"] = "confirm.html",
    };

    public static WebApplication MapWebClient(this WebApplication app)
    {
        var files = new StaticFileOptions
        {
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = context => AddHeaders(context.Context.Response.Headers, context.File.Name),
        };

        app.UseDefaultFiles();
        app.UseStaticFiles(files);
        foreach (var (route, page) in Pages)
        {
            app.MapFallbackToFile(route, page, files);
        }

        return app;
    }

    private static void AddHeaders(IHeaderDictionary headers, string fileName)
    {
        // Revalidate every time (ETag): a new build's pages and scripts are picked up at once, never mixed.
        headers.CacheControl = "no-cache";
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        if (fileName.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
        {
            headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
            headers[HeaderNames.XFrameOptions] = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
        }
    }
}

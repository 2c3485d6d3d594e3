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
    // Pictures also from blob: URLs: card pictures are fetched with a key header and shown through object URLs.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The page a browser gets, with status 404, for an address that leads nowhere.</summary>
    public const string NotFoundPage = "404.html";

    /// <summary>
    /// Paths that are not pages: what goes wrong under them stays a JSON problem (or whatever the endpoint answers),
    /// even when a browser asks.
    /// </summary>
    private static readonly PathString[] NonPagePaths =
        ["/api", "/openapi", "/docs", "/health", "/metrics", "/dashboard", "/admin"];

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

        // Inside the status-code pages: a 404 page written here has a body, so no problem JSON replaces it.
        app.Use(async (context, next) =>
        {
            await next(context);
            await WriteNotFoundPageAsync(context, app.Environment.WebRootFileProvider);
        });
        app.UseDefaultFiles();
        app.UseStaticFiles(files);
        foreach (var (route, page) in Pages)
        {
            app.MapFallbackToFile(route, page, files);
        }

        return app;
    }

    /// <summary>
    /// A browser (it accepts text/html) that asked with GET or HEAD for a page path nothing answered gets the site's
    /// "This page does not exist" page, status 404, with the pages' headers. Everything else keeps its answer.
    /// </summary>
    private static async Task WriteNotFoundPageAsync(HttpContext context, Microsoft.Extensions.FileProviders.IFileProvider webRoot)
    {
        var request = context.Request;
        var response = context.Response;
        if (response.StatusCode != StatusCodes.Status404NotFound
            || response.HasStarted
            || response.ContentLength is not null
            || !string.IsNullOrEmpty(response.ContentType)
            || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            || Array.Exists(NonPagePaths, prefix => request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            || !AcceptsHtml(request))
        {
            return;
        }

        var page = webRoot.GetFileInfo(NotFoundPage);
        if (!page.Exists)
        {
            return;
        }

        response.ContentType = "text/html; charset=utf-8";
        response.ContentLength = page.Length;
        AddHeaders(response.Headers, NotFoundPage);
        if (HttpMethods.IsGet(request.Method))
        {
            await response.SendFileAsync(page, context.RequestAborted);
        }
    }

    private static bool AcceptsHtml(HttpRequest request)
    {
        foreach (var type in request.GetTypedHeaders().Accept)
        {
            if (type.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase) && type.Quality is not 0)
            {
                return true;
            }
        }

        return false;
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

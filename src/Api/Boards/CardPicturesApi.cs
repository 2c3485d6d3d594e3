using System.Threading.RateLimiting;
using Kudos.Api.Hosting;
using Kudos.Api.Http;
using Kudos.Api.Images;
using Kudos.Api.OpenApi;
using Kudos.Grains;
using Kudos.Grains.Boards;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Kudos.Api.Boards;

/// <summary>
/// <c>/api/boards/{id}/cards/{cardId}/images</c>: pictures on cards. An upload is the file itself as the body; this API
/// decodes and re-encodes it (<see cref="ImageSanitizer"/>) before the board sees it, so only the re-encoded picture is
/// stored and served, and a refused file leaves nothing behind. Pictures are sealed like the card's text.
/// </summary>
public static class CardPicturesApi
{
    /// <summary>What a sealed picture's response says to caches: nobody stores it (its author's key was needed to fetch it).</summary>
    public const string SealedCacheControl = "private, no-store";

    /// <summary>A delivered board's pictures do not change: the reader's own browser may keep them; shared caches may not.</summary>
    public const string DeliveredCacheControl = "private, max-age=86400";

    // Not declared with Accepts(…): routing would refuse another type with its own 415, before the image pipeline can
    // say what the file really is.
    private static readonly string[] ImageTypes = ["image/jpeg", "image/png", "image/webp", "image/gif"];

    public static IEndpointRouteBuilder MapCardPictures(this IEndpointRouteBuilder app)
    {
        var images = app.MapGroup("/api/boards/{id:guid}/cards/{cardId:guid}/images").WithTags("Pictures");
        images.MapPost("/", AddAsync).WithName("AddCardImage").RequireRateLimiting(RateLimits.UploadImage)
            .WithMetadata(new BinaryBodyMetadata(ImageTypes))
            .WithSummary("Author: add a picture to one's own card (JPEG, PNG, WebP or GIF, at most 5 MB; at most 2 per card) while posting is open.")
            .WithDescription(
                "The body is the file itself, with its Content-Type. The picture is decoded and re-encoded: metadata (EXIF, location) is removed, "
                + "its longest side is at most Images:MaxOutputDimension pixels, a static GIF becomes a PNG. A file that is too large (413), "
                + "not one of the four types or not the declared one (415), malformed, a decompression bomb or a polyglot (422) is refused and nothing is stored.")
            .AcceptsKeys(ApiKey.Card)
            .WithProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity);
        images.MapGet("/{imageId:guid}", GetAsync).WithName("GetCardImage")
            .Produces(StatusCodes.Status200OK, typeof(byte[]), ImageTypes[0], ImageTypes[1..])
            .WithSummary("Author (card key) at any time, or any reader of the board after delivery: the picture's bytes.")
            .WithDescription($"Served with its type, nosniff and Cache-Control '{SealedCacheControl}' while sealed ('{DeliveredCacheControl}' after delivery): a shared cache never stores one.")
            .AcceptsKeys(ApiKey.Card, ApiKey.Recipient, ApiKey.Owner, ApiKey.Contribute, ApiKey.Reader, ApiKey.OwnerCredential)
            .WithProblems(StatusCodes.Status404NotFound);
        images.MapDelete("/{imageId:guid}", RemoveAsync).WithName("RemoveCardImage")
            .WithSummary("Author: remove a picture from one's own card while posting is open.")
            .AcceptsKeys(ApiKey.Card).WithProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        return app;
    }

    /// <summary>Decoding is bounded: at most one per core at a time, a short queue behind them, a 503 with Retry-After beyond.</summary>
    public static IServiceCollection AddCardPictures(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddKudosImages(configuration);
        services.AddSingleton(new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Environment.ProcessorCount,
            QueueLimit = 4 * Environment.ProcessorCount,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        }));
        return services;
    }

    private static async Task<Created<CardImageView>> AddAsync(
        Guid id, Guid cardId, HttpRequest http, IGrainFactory grains, ImageSanitizer sanitizer, IOptions<ImageOptions> options, ConcurrencyLimiter decoders)
    {
        var key = CapabilityKey.From(http);
        var board = grains.GetGrain<IBoardGrain>(id);

        // The card key is checked before the upload is read or decoded: a stranger costs no decoding.
        await board.GetCardAsync(cardId, key);
        var bytes = await ReadBodyAsync(http, options.Value.MaxUploadBytes);
        using var lease = await decoders.AcquireAsync(1, http.HttpContext.RequestAborted);
        if (!lease.IsAcquired)
        {
            throw new KudosException(KudosErrorKind.Unavailable, "images_busy", "Too many pictures are being processed right now; nothing was stored. Try again in a few seconds.")
            {
                RetryAfter = TimeSpan.FromSeconds(5),
            };
        }

        var image = sanitizer.Sanitize(bytes, http.ContentType, http.HttpContext.RequestAborted);
        var added = await board.AddCardImageAsync(cardId, key, new CardImageUpload(image.Bytes, image.ContentType, image.Width, image.Height));
        return TypedResults.Created($"/api/boards/{id}/cards/{cardId}/images/{added.Id}", added);
    }

    private static async Task<FileContentHttpResult> GetAsync(Guid id, Guid cardId, Guid imageId, HttpRequest http, IGrainFactory grains)
    {
        var image = await grains.GetGrain<IBoardGrain>(id).GetCardImageAsync(cardId, imageId, CapabilityKey.From(http));
        var headers = http.HttpContext.Response.Headers;
        headers.CacheControl = image.Sealed ? SealedCacheControl : DeliveredCacheControl;
        headers.Vary = HeaderNames.Authorization;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers[HeaderNames.ContentSecurityPolicy] = "default-src 'none'; sandbox";
        headers[HeaderNames.ContentDisposition] = "inline";
        return TypedResults.File(image.Bytes, image.ContentType);
    }

    private static async Task<NoContent> RemoveAsync(Guid id, Guid cardId, Guid imageId, HttpRequest http, IGrainFactory grains)
    {
        await grains.GetGrain<IBoardGrain>(id).RemoveCardImageAsync(cardId, imageId, CapabilityKey.From(http));
        return TypedResults.NoContent();
    }

    /// <summary>
    /// How far past the picture limit a body is still read to its end before the 413, so that the client, still sending,
    /// gets the answer instead of a connection reset; beyond it the 413 comes at once (and the connection may close).
    /// </summary>
    private const int DrainAllowance = 1024 * 1024;

    /// <summary>The whole body, or a 413 once it is known to exceed <paramref name="max"/> bytes.</summary>
    private static async Task<byte[]> ReadBodyAsync(HttpRequest http, int max)
    {
        if (http.ContentLength > max + (long)DrainAllowance)
        {
            throw TooLarge(http.ContentLength.Value, max);
        }

        // This route alone lifts the API's small body limit, to the picture limit and the drain allowance.
        if (http.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max + (long)DrainAllowance;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        long total = 0;
        int read;
        while ((read = await http.Body.ReadAsync(chunk, http.HttpContext.RequestAborted)) > 0)
        {
            total += read;
            if (total <= max)
            {
                buffer.Write(chunk, 0, read);
            }
        }

        return total > max ? throw TooLarge(total, max) : buffer.ToArray();
    }

    private static ImageRejectedException TooLarge(long length, int max) => new(
        ImageRejectedException.TooLarge,
        $"The picture is {length:N0} bytes; at most {max:N0} bytes ({max / (1024 * 1024)} MB) are accepted.",
        StatusCodes.Status413PayloadTooLarge);
}

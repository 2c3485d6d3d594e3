namespace Kudos.Api.Images;

/// <summary>
/// An upload the <see cref="ImageSanitizer"/> refused: <see cref="Code"/> is a stable machine-readable reason (one of the
/// constants here), <see cref="Detail"/> a sentence for the client, <see cref="StatusCode"/> the HTTP status to answer with
/// (400 empty, 413 too many bytes, 415 not an accepted type or not the declared one, 422 unreadable, too big when decoded,
/// or carrying another file).
/// </summary>
public sealed class ImageRejectedException(string code, string detail, int statusCode) : Exception(detail)
{
    /// <summary>400: the upload has no bytes.</summary>
    public const string Empty = "image_empty";

    /// <summary>413: the upload has more bytes than <see cref="ImageOptions.MaxUploadBytes"/>.</summary>
    public const string TooLarge = "image_too_large";

    /// <summary>415: the bytes are not a JPEG, PNG, WebP or GIF image (or the declared type is not one of those).</summary>
    public const string UnsupportedType = "image_unsupported_type";

    /// <summary>415: the bytes are an accepted image type, but not the one the upload declared.</summary>
    public const string TypeMismatch = "image_type_mismatch";

    /// <summary>422: the image is truncated, corrupt or otherwise cannot be decoded.</summary>
    public const string Malformed = "image_malformed";

    /// <summary>422: the header declares more pixels or a longer side than the limits allow (a decompression bomb).</summary>
    public const string TooManyPixels = "image_too_many_pixels";

    /// <summary>422: an animated GIF with more frames, or more pixels over all its frames, than the limits allow.</summary>
    public const string TooManyFrames = "image_too_many_frames";

    /// <summary>422: the bytes also carry another kind of file (HTML, script, PHP, ZIP): a polyglot.</summary>
    public const string Polyglot = "image_polyglot";

    /// <summary>One of the code constants of this class.</summary>
    public string Code { get; } = code;

    /// <summary>What is wrong, as a sentence a client can show.</summary>
    public string Detail { get; } = detail;

    /// <summary>The HTTP status for the refusal: 400, 413, 415 or 422.</summary>
    public int StatusCode { get; } = statusCode;
}

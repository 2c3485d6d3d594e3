namespace Kudos.Api.Images;

/// <summary>
/// An image the <see cref="ImageSanitizer"/> accepted: freshly encoded bytes (no metadata, upright, at most
/// <see cref="ImageOptions.MaxOutputDimension"/> on its longest side), their media type (<c>image/jpeg</c>,
/// <c>image/png</c>, <c>image/webp</c> or <c>image/gif</c>), the size in pixels, and the frame count (1 unless an animated GIF).
/// </summary>
public sealed record SanitizedImage(byte[] Bytes, string ContentType, int Width, int Height, int Frames);

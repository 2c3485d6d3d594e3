using System.Buffers.Binary;
using System.Globalization;
using SkiaSharp;

namespace Kudos.Api.Images;

/// <summary>
/// Turns an uploaded picture into one safe to serve, or refuses it with a reason (<see cref="ImageRejectedException"/>).
/// The original bytes are never kept: every accepted image is decoded and encoded anew, which drops all metadata (EXIF with
/// its GPS position, XMP, ICC profiles and text chunks: Skia's encoders write none of it, and the pixels are converted to
/// sRGB first so no profile is needed), turns it upright (the EXIF orientation is applied to the pixels) and scales it down
/// to <see cref="ImageOptions.MaxOutputDimension"/>.
/// <para>
/// The checks, in order: not empty (400); at most <see cref="ImageOptions.MaxUploadBytes"/> (413); the magic bytes are JPEG,
/// PNG, GIF or WebP, whatever the declared type says (415); a declared <c>Content-Type</c>, when there is one, names that
/// same type (415); no HTML, script, PHP or ZIP inside (422); the size declared by the header within
/// <see cref="ImageOptions.MaxInputPixels"/> and <see cref="ImageOptions.MaxInputDimension"/>, and an animation within
/// <see cref="ImageOptions.MaxGifFrames"/> and <see cref="ImageOptions.MaxGifTotalPixels"/>, all before a pixel is
/// decoded (422); and a complete, clean decode (422).
/// </para>
/// <para>
/// Output: JPEG stays JPEG (at <see cref="ImageOptions.JpegQuality"/>), PNG stays PNG, WebP stays WebP (lossless when the
/// source was, else at <see cref="ImageOptions.WebpQuality"/>), a still GIF becomes PNG, and an animated GIF stays an
/// animated GIF (re-encoded by <see cref="GifEncoder"/>, keeping each frame's delay and the loop count). An animated WebP or
/// PNG keeps its first frame only. The instance is stateless and thread-safe.
/// </para>
/// </summary>
public sealed class ImageSanitizer
{
    private const string Accepted = "only JPEG, PNG, WebP and GIF images are accepted";

    private readonly ImageOptions _options;

    /// <summary>A sanitizer with these limits; throws <see cref="ArgumentException"/> when <see cref="ImageOptions.Validate"/> finds a problem.</summary>
    public ImageSanitizer(ImageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate();
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }

        _options = options;
    }

    /// <summary>
    /// Checks, decodes and re-encodes <paramref name="input"/>. <paramref name="declaredContentType"/> is the type the client
    /// sent (null or blank when it sent none: the bytes alone decide). Throws <see cref="ImageRejectedException"/> for an
    /// upload it refuses; <paramref name="cancellationToken"/> is checked between the frames of an animation.
    /// </summary>
    public SanitizedImage Sanitize(ReadOnlySpan<byte> input, string? declaredContentType, CancellationToken cancellationToken = default)
    {
        if (input.IsEmpty)
        {
            throw Reject(ImageRejectedException.Empty, 400, $"The upload is empty; {Accepted}.");
        }

        if (input.Length > _options.MaxUploadBytes)
        {
            throw Reject(ImageRejectedException.TooLarge, 413,
                $"The image is {Count(input.Length)} bytes; at most {Count(_options.MaxUploadBytes)} bytes ({Megabytes(_options.MaxUploadBytes)}) are accepted.");
        }

        var format = ImageSniffing.Sniff(input)
            ?? throw Reject(ImageRejectedException.UnsupportedType, 415, $"The file is {ImageSniffing.Describe(input)}; {Accepted}.");
        CheckDeclaredType(format, declaredContentType);

        if (ImageSniffing.FindEmbeddedFile(input) is { } embedded)
        {
            throw Reject(ImageRejectedException.Polyglot, 422,
                $"The file is {ImageSniffing.Name(format)} that also carries {embedded.What} (at byte {Count(embedded.Offset)}); files that are two things at once are refused. Export the picture again from an image editor and send that file.");
        }

        if (ImageSniffing.DeclaredSize(format, input) is { } declared)
        {
            CheckSize(declared.Width, declared.Height);
        }

        using var data = SKData.CreateCopy(input);
        using var codec = SKCodec.Create(data)
            ?? throw Reject(ImageRejectedException.Malformed, 422, $"The file starts like {ImageSniffing.Name(format)} but cannot be read: its header is truncated or corrupt.");
        var expected = format switch
        {
            AcceptedFormat.Jpeg => SKEncodedImageFormat.Jpeg,
            AcceptedFormat.Png => SKEncodedImageFormat.Png,
            AcceptedFormat.Gif => SKEncodedImageFormat.Gif,
            _ => SKEncodedImageFormat.Webp,
        };
        if (codec.EncodedFormat != expected)
        {
            throw Reject(ImageRejectedException.Malformed, 422, $"The file starts like {ImageSniffing.Name(format)} but reads as {codec.EncodedFormat}.");
        }

        CheckSize(codec.Info.Width, codec.Info.Height);

        var frames = codec.FrameCount;
        return format == AcceptedFormat.Gif && frames > 1
            ? Animation(codec, frames, cancellationToken)
            : Still(codec, format, input);
    }

    private void CheckDeclaredType(AcceptedFormat format, string? declaredContentType)
    {
        if (string.IsNullOrWhiteSpace(declaredContentType))
        {
            return;
        }

        var declared = ImageSniffing.FromContentType(declaredContentType, out var mediaType);
        if (declared is null)
        {
            throw Reject(ImageRejectedException.UnsupportedType, 415,
                $"The upload is declared as {mediaType}, which is not accepted; {Accepted}. (Its bytes are {ImageSniffing.Name(format)}: send it as {ImageSniffing.MediaType(format)}.)");
        }

        if (declared != format)
        {
            throw Reject(ImageRejectedException.TypeMismatch, 415,
                $"The upload is declared as {mediaType}, but its bytes are {ImageSniffing.Name(format)}. Send it as {ImageSniffing.MediaType(format)}, or send the file you meant.");
        }
    }

    private void CheckSize(long width, long height)
    {
        if (width <= 0 || height <= 0)
        {
            throw Reject(ImageRejectedException.Malformed, 422, $"The image header declares {Count(width)} × {Count(height)} pixels; an image needs at least one pixel each way.");
        }

        if (width * height > _options.MaxInputPixels)
        {
            throw Reject(ImageRejectedException.TooManyPixels, 422,
                $"The image is {Count(width)} × {Count(height)} pixels ({Pixels(width * height)}); at most {Pixels(_options.MaxInputPixels)} are accepted.");
        }

        if (width > _options.MaxInputDimension || height > _options.MaxInputDimension)
        {
            throw Reject(ImageRejectedException.TooManyPixels, 422,
                $"The image is {Count(width)} × {Count(height)} pixels; at most {Count(_options.MaxInputDimension)} pixels are accepted on either side.");
        }
    }

    private SanitizedImage Still(SKCodec codec, AcceptedFormat format, ReadOnlySpan<byte> input)
    {
        var origin = codec.EncodedOrigin;
        var transposed = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var stored = codec.Info.Size;
        var (outWidth, outHeight) = Fit(transposed ? stored.Height : stored.Width, transposed ? stored.Width : stored.Height);

        // JPEG and WebP decode straight to a smaller size (DCT scaling, libwebp's rescaler): less memory, less resampling.
        var decodeSize = DecodeSize(codec, format, transposed ? outHeight : outWidth, transposed ? outWidth : outHeight);
        var opaque = format == AcceptedFormat.Jpeg || codec.Info.AlphaType == SKAlphaType.Opaque;
        var alpha = opaque ? SKAlphaType.Opaque : SKAlphaType.Premul;
        var decodeInfo = new SKImageInfo(decodeSize.Width, decodeSize.Height, SKColorType.Rgba8888, alpha, SKColorSpace.CreateSrgb());

        using var decoded = Allocate(decodeInfo);
        var result = codec.GetPixels(decodeInfo, decoded.GetPixels());
        if (result != SKCodecResult.Success)
        {
            throw Undecodable(format, result);
        }

        using var output = origin == SKEncodedOrigin.TopLeft && decodeSize.Width == outWidth && decodeSize.Height == outHeight
            ? null
            : Transform(decoded, origin, transposed, outWidth, outHeight, alpha);
        var final = output ?? decoded;

        var (bytes, contentType) = Encode(final, format, input);
        return new SanitizedImage(bytes, contentType, final.Width, final.Height, 1);
    }

    private SanitizedImage Animation(SKCodec codec, int frameCount, CancellationToken cancellationToken)
    {
        var width = codec.Info.Width;
        var height = codec.Info.Height;
        if (frameCount > _options.MaxGifFrames)
        {
            throw Reject(ImageRejectedException.TooManyFrames, 422,
                $"The animation has {Count(frameCount)} frames; at most {Count(_options.MaxGifFrames)} are accepted.");
        }

        var total = (long)frameCount * width * height;
        if (total > _options.MaxGifTotalPixels)
        {
            throw Reject(ImageRejectedException.TooManyFrames, 422,
                $"The animation has {Count(frameCount)} frames of {Count(width)} × {Count(height)} pixels ({Pixels(total)} in all); at most {Pixels(_options.MaxGifTotalPixels)} are accepted. Send fewer or smaller frames.");
        }

        var frames = codec.FrameInfo;
        var (outWidth, outHeight) = Fit(width, height);
        var srgb = SKColorSpace.CreateSrgb();
        var canvasInfo = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul, srgb);
        var scaledInfo = new SKImageInfo(outWidth, outHeight, SKColorType.Rgba8888, SKAlphaType.Premul, srgb);
        var rgbaInfo = new SKImageInfo(outWidth, outHeight, SKColorType.Rgba8888, SKAlphaType.Unpremul, srgb);
        var scaling = outWidth != width || outHeight != height;
        var sampling = Sampling(Math.Min(outWidth / (double)width, outHeight / (double)height));

        // Skia RepetitionCount: -1 forever, 0 once, n times more; the NETSCAPE2.0 loop count: 0 forever, absent once.
        var loop = codec.RepetitionCount switch
        {
            < 0 => 0,
            0 => (int?)null,
            var n => Math.Min(n, ushort.MaxValue),
        };
        var gif = new GifEncoder(outWidth, outHeight, loop);

        using var current = Allocate(canvasInfo);
        current.Erase(SKColors.Transparent);
        using var scaled = scaling ? Allocate(scaledInfo) : null;
        using var rgba = Allocate(rgbaInfo);
        SKBitmap? saved = null;
        var savedIndex = -1;
        try
        {
            for (var i = 0; i < frameCount; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var frame = frames[i];
                if (!frame.FullyRecieved)
                {
                    throw Reject(ImageRejectedException.Malformed, 422,
                        $"The GIF animation is truncated: frame {i + 1} of {frameCount} is incomplete.");
                }

                // `current` holds the last composited frame. Skia blends frame i onto the frame it depends on
                // (RequiredFrame) and applies that frame's disposal itself; it only needs to be told which frame the
                // destination already holds. A frame disposed "restore previous" is never that frame: keep a copy of the
                // last other one for the frames after it.
                int prior;
                if (frame.RequiredFrame < 0)
                {
                    current.Erase(SKColors.Transparent);
                    prior = -1;
                }
                else if (i - 1 >= frame.RequiredFrame && frames[i - 1].DisposalMethod != SKCodecAnimationDisposalMethod.RestorePrevious)
                {
                    prior = i - 1;
                }
                else if (saved is not null && savedIndex >= frame.RequiredFrame)
                {
                    Copy(saved, current);
                    prior = savedIndex;
                }
                else
                {
                    prior = -1; // Skia decodes the frames this one depends on itself.
                }

                var result = codec.GetPixels(canvasInfo, current.GetPixels(), new SKCodecOptions(i, prior));
                if (result != SKCodecResult.Success)
                {
                    throw Undecodable(AcceptedFormat.Gif, result, i + 1, frameCount);
                }

                if (i + 1 < frameCount && frames[i + 1].DisposalMethod == SKCodecAnimationDisposalMethod.RestorePrevious
                    && frame.DisposalMethod != SKCodecAnimationDisposalMethod.RestorePrevious)
                {
                    saved ??= Allocate(canvasInfo);
                    Copy(current, saved);
                    savedIndex = i;
                }

                if (scaled is not null)
                {
                    if (!current.ScalePixels(scaled, sampling))
                    {
                        throw new InvalidOperationException("Skia could not scale a GIF frame.");
                    }

                    Copy(scaled, rgba);
                }
                else
                {
                    Copy(current, rgba);
                }

                gif.AddFrame(rgba.GetPixelSpan(), (frame.Duration + 5) / 10);
            }
        }
        finally
        {
            saved?.Dispose();
        }

        return new SanitizedImage(gif.ToArray(), "image/gif", outWidth, outHeight, frameCount);
    }

    /// <summary>The output size: the longest side at most <see cref="ImageOptions.MaxOutputDimension"/>, aspect kept, never larger.</summary>
    private (int Width, int Height) Fit(int width, int height)
    {
        var longest = Math.Max(width, height);
        if (longest <= _options.MaxOutputDimension)
        {
            return (width, height);
        }

        var scale = _options.MaxOutputDimension / (double)longest;
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    /// <summary>The smallest size the codec can decode to that is still at least the target (the full size if none).</summary>
    private static SKSizeI DecodeSize(SKCodec codec, AcceptedFormat format, int targetWidth, int targetHeight)
    {
        var full = codec.Info.Size;
        if (format is not (AcceptedFormat.Jpeg or AcceptedFormat.Webp) || (targetWidth >= full.Width && targetHeight >= full.Height))
        {
            return full;
        }

        var best = full;
        var exact = (float)Math.Max(targetWidth / (double)full.Width, targetHeight / (double)full.Height);
        Span<float> scales = [exact, 1 / 8f, 2 / 8f, 3 / 8f, 4 / 8f, 5 / 8f, 6 / 8f, 7 / 8f];
        foreach (var scale in scales)
        {
            var size = codec.GetScaledDimensions(scale);
            if (size.Width >= targetWidth && size.Height >= targetHeight && (long)size.Width * size.Height < (long)best.Width * best.Height)
            {
                best = size;
            }
        }

        return best;
    }

    /// <summary>Draws <paramref name="source"/> upright (its EXIF origin undone) and scaled to the output size.</summary>
    private static SKBitmap Transform(SKBitmap source, SKEncodedOrigin origin, bool transposed, int width, int height, SKAlphaType alpha)
    {
        var output = Allocate(new SKImageInfo(width, height, SKColorType.Rgba8888, alpha, SKColorSpace.CreateSrgb()));
        float w = source.Width, h = source.Height;
        // Maps the stored pixels to upright ones (x' = ScaleX·x + SkewX·y + TransX, y' = SkewY·x + ScaleY·y + TransY).
        var upright = origin switch
        {
            SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
            SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
            SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
            _ => SKMatrix.Identity,
        };
        var uprightWidth = transposed ? h : w;
        var uprightHeight = transposed ? w : h;
        var scale = SKMatrix.CreateScale(width / uprightWidth, height / uprightHeight);

        source.SetImmutable();
        using var image = SKImage.FromBitmap(source);
        using var canvas = new SKCanvas(output);
        canvas.Clear(SKColors.Transparent);
        canvas.SetMatrix(scale.PreConcat(upright));
        canvas.DrawImage(image, 0, 0, Sampling(Math.Min(width / uprightWidth, height / uprightHeight)), null);
        canvas.Flush();
        return output;
    }

    /// <summary>
    /// Exact copies at scale 1 (only the orientation changes); Mitchell cubic for a mild reduction; trilinear mipmaps below
    /// half size, where a cubic filter would alias.
    /// </summary>
    private static SKSamplingOptions Sampling(double scale) => scale switch
    {
        >= 0.999 => new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None),
        >= 0.5 => new SKSamplingOptions(SKCubicResampler.Mitchell),
        _ => new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear),
    };

    private (byte[] Bytes, string ContentType) Encode(SKBitmap bitmap, AcceptedFormat format, ReadOnlySpan<byte> input)
    {
        // The pixels are sRGB; with no colour space attached, the encoders write no ICC profile either.
        using var pixmap = new SKPixmap(bitmap.Info.WithColorSpace(null), bitmap.GetPixels(), bitmap.RowBytes);
        using var encoded = format switch
        {
            AcceptedFormat.Jpeg => pixmap.Encode(new SKJpegEncoderOptions(_options.JpegQuality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)),
            AcceptedFormat.Webp => pixmap.Encode(IsLosslessWebp(input)
                ? new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 75)
                : new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, _options.WebpQuality)),
            _ => pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, 6)),
        };
        if (encoded is null)
        {
            throw new InvalidOperationException($"Skia could not encode a {bitmap.Width} × {bitmap.Height} image as {format}.");
        }

        var contentType = format == AcceptedFormat.Gif ? "image/png" : ImageSniffing.MediaType(format);
        return (encoded.ToArray(), contentType);
    }

    /// <summary>Whether a WebP's image data is a VP8L (lossless) chunk: walks the RIFF chunks, bounded by the input.</summary>
    private static bool IsLosslessWebp(ReadOnlySpan<byte> webp)
    {
        var offset = 12;
        while (offset + 8 <= webp.Length)
        {
            var fourcc = webp.Slice(offset, 4);
            if (fourcc.SequenceEqual("VP8L"u8))
            {
                return true;
            }

            if (fourcc.SequenceEqual("VP8 "u8))
            {
                return false;
            }

            var size = BinaryPrimitives.ReadUInt32LittleEndian(webp[(offset + 4)..]);
            if (size > (uint)(webp.Length - offset))
            {
                return false;
            }

            offset += 8 + (int)size + (int)(size & 1);
        }

        return false;
    }

    private static SKBitmap Allocate(SKImageInfo info)
    {
        var bitmap = new SKBitmap();
        if (!bitmap.TryAllocPixels(info))
        {
            bitmap.Dispose();
            throw new InvalidOperationException($"Could not allocate {info.Width} × {info.Height} pixels for an image.");
        }

        return bitmap;
    }

    private static void Copy(SKBitmap from, SKBitmap to)
    {
        using var source = from.PeekPixels();
        using var destination = to.PeekPixels();
        if (!source.ReadPixels(destination))
        {
            throw new InvalidOperationException("Skia could not copy pixels between bitmaps.");
        }
    }

    private static ImageRejectedException Undecodable(AcceptedFormat format, SKCodecResult result, int frame = 0, int frames = 0)
    {
        var what = frames > 1 ? $"Frame {frame} of {frames} of the GIF animation" : $"The {ImageSniffing.Label(format)} image";
        var why = result switch
        {
            SKCodecResult.IncompleteInput => "is truncated: its data ends before the last pixel",
            SKCodecResult.ErrorInInput => "is corrupt: its data has errors",
            _ => $"cannot be decoded ({result})",
        };
        return Reject(ImageRejectedException.Malformed, 422, $"{what} {why}.");
    }

    private static ImageRejectedException Reject(string code, int status, string detail) => new(code, detail, status);

    private static string Count(long value) => ImageSniffing.Count(value);

    private static string Pixels(long pixels) => pixels >= 1_000_000
        ? string.Create(CultureInfo.InvariantCulture, $"{pixels / 1_000_000.0:#,0.#} megapixels")
        : $"{Count(pixels)} pixels";

    private static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0.#} MB");
}

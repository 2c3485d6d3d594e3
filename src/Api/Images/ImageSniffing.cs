using System.Buffers.Binary;
using System.Globalization;

namespace Kudos.Api.Images;

/// <summary>The image types the pipeline accepts.</summary>
internal enum AcceptedFormat
{
    Jpeg,
    Png,
    Gif,
    Webp,
}

/// <summary>
/// What the bytes of an upload are, decided from their content only: the magic numbers of the accepted types, a name for
/// common types that are not accepted (for the refusal's detail), the media type a client declared, the size a PNG or GIF
/// header declares, and signatures of other files hidden inside an image (polyglots).
/// </summary>
internal static class ImageSniffing
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The accepted type the magic bytes announce, or null when they announce none.</summary>
    public static AcceptedFormat? Sniff(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
        {
            return AcceptedFormat.Jpeg;
        }

        if (bytes.StartsWith(PngSignature))
        {
            return AcceptedFormat.Png;
        }

        if (bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8))
        {
            return AcceptedFormat.Gif;
        }

        if (bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8))
        {
            return AcceptedFormat.Webp;
        }

        return null;
    }

    /// <summary>The canonical media type of an accepted format.</summary>
    public static string MediaType(AcceptedFormat format) => format switch
    {
        AcceptedFormat.Jpeg => "image/jpeg",
        AcceptedFormat.Png => "image/png",
        AcceptedFormat.Gif => "image/gif",
        _ => "image/webp",
    };

    /// <summary>The format's usual name ("JPEG", "WebP").</summary>
    public static string Label(AcceptedFormat format) => format switch
    {
        AcceptedFormat.Jpeg => "JPEG",
        AcceptedFormat.Png => "PNG",
        AcceptedFormat.Gif => "GIF",
        _ => "WebP",
    };

    /// <summary>The format's name in a sentence ("a PNG image").</summary>
    public static string Name(AcceptedFormat format) => $"a {Label(format)} image";

    /// <summary>
    /// The accepted format a declared <c>Content-Type</c> names (parameters and case ignored; <c>image/jpg</c>,
    /// <c>image/pjpeg</c> and <c>image/x-png</c> are the aliases browsers and old clients send), or null for any other
    /// type. <paramref name="mediaType"/> is the declared type without parameters, lower case.
    /// </summary>
    public static AcceptedFormat? FromContentType(string declared, out string mediaType)
    {
        var semicolon = declared.IndexOf(';', StringComparison.Ordinal);
        mediaType = (semicolon < 0 ? declared : declared[..semicolon]).Trim().ToLowerInvariant();
        return mediaType switch
        {
            "image/jpeg" or "image/jpg" or "image/pjpeg" => AcceptedFormat.Jpeg,
            "image/png" or "image/x-png" => AcceptedFormat.Png,
            "image/gif" => AcceptedFormat.Gif,
            "image/webp" => AcceptedFormat.Webp,
            _ => null,
        };
    }

    /// <summary>What bytes that are not an accepted image look like, for the refusal's detail ("a PDF document").</summary>
    public static string Describe(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith("%PDF-"u8))
        {
            return "a PDF document";
        }

        if (bytes.StartsWith("BM"u8) && bytes.Length >= 14)
        {
            return "a BMP image";
        }

        if (bytes.StartsWith("II*\0"u8) || bytes.StartsWith("MM\0*"u8))
        {
            return "a TIFF image";
        }

        if (bytes.Length >= 12 && bytes[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = bytes[8..12];
            return brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8) ? "an AVIF image"
                : brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("msf1"u8) ? "a HEIC/HEIF image"
                : "an MP4/QuickTime media file";
        }

        if (bytes.StartsWith("PK\x03\x04"u8) || bytes.StartsWith("PK\x05\x06"u8))
        {
            return "a ZIP archive (or a document packed as one)";
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0x01, 0x00]))
        {
            return "an ICO icon";
        }

        if (bytes.StartsWith("RIFF"u8))
        {
            return "a RIFF file other than WebP (such as WAV or AVI)";
        }

        if (bytes.StartsWith("GIF8"u8))
        {
            return "a GIF of an unknown version (only GIF87a and GIF89a are read)";
        }

        var text = bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes[3..] : bytes;
        text = text.TrimStart(" \t\r\n"u8);
        if (text.StartsWith("<"u8))
        {
            var head = text[..Math.Min(text.Length, 4096)];
            return ContainsIgnoreCase(head, "<svg"u8) ? "an SVG image (SVG can carry scripts and is not accepted)"
                : ContainsIgnoreCase(head, "<html"u8) || ContainsIgnoreCase(head, "<!doctype html"u8) ? "an HTML document"
                : "an XML or HTML document";
        }

        return "not a recognised image";
    }

    /// <summary>
    /// The width and height a PNG's IHDR or a GIF's logical screen descriptor declares, read at fixed offsets before any
    /// decoder sees the file (JPEG and WebP: null, their codec header is read by Skia without decoding pixels). Throws a
    /// 422 refusal for a PNG whose first chunk is not a well-formed IHDR.
    /// </summary>
    public static (long Width, long Height)? DeclaredSize(AcceptedFormat format, ReadOnlySpan<byte> bytes)
    {
        switch (format)
        {
            case AcceptedFormat.Png:
                if (bytes.Length < 8 + 8 + 13 + 4 || BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]) != 13 || !bytes[12..16].SequenceEqual("IHDR"u8))
                {
                    throw new ImageRejectedException(ImageRejectedException.Malformed,
                        "The PNG image is malformed: its signature is not followed by an IHDR header.", 422);
                }

                return (BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]), BinaryPrimitives.ReadUInt32BigEndian(bytes[20..]));
            case AcceptedFormat.Gif when bytes.Length >= 13:
                var width = BinaryPrimitives.ReadUInt16LittleEndian(bytes[6..]);
                var height = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
                // Some encoders write a 0 × 0 screen and rely on the frames' sizes: the codec's size is checked after.
                return width == 0 || height == 0 ? null : (width, height);
            default:
                return null;
        }
    }

    /// <summary>
    /// A signature of another file inside the bytes, with its offset, or null. One pass over the input (vectorised search for
    /// the two bytes every signature starts with). Markup is matched case-insensitively and only when a tag really ends
    /// there (followed by a space, <c>&gt;</c> or <c>/</c>), ZIP records only with a plausible version and compression
    /// method, and the ZIP end record only within the last 64 KiB where ZIP readers look for it: random compressed image
    /// data then matches by chance in about one 5-MB file in 250,000 (nearly all of it <c>&lt;html</c>). <c>&lt;svg</c> is not looked for: four bytes match
    /// too often by chance, and an SVG with a script carries <c>&lt;script</c>.
    /// </summary>
    public static (string What, int Offset)? FindEmbeddedFile(ReadOnlySpan<byte> bytes)
    {
        var from = 0;
        while (from < bytes.Length)
        {
            var hit = bytes[from..].IndexOfAny((byte)'<', (byte)'P');
            if (hit < 0)
            {
                return null;
            }

            var at = from + hit;
            var rest = bytes[at..];
            var found = rest[0] == '<' ? Markup(rest) : Zip(rest, at, bytes.Length);
            if (found is not null)
            {
                return (found, at);
            }

            from = at + 1;
        }

        return null;
    }

    private static string? Markup(ReadOnlySpan<byte> rest)
    {
        if (TagAt(rest, "<script"u8))
        {
            return "a <script> tag";
        }

        if (TagAt(rest, "<html"u8) || TagAt(rest, "<!doctype html"u8))
        {
            return "an HTML document";
        }

        if (TagAt(rest, "<iframe"u8))
        {
            return "an <iframe> tag";
        }

        return TagAt(rest, "<?php"u8) ? "PHP code" : null;
    }

    private static bool TagAt(ReadOnlySpan<byte> rest, ReadOnlySpan<byte> tag)
    {
        if (rest.Length < tag.Length || !StartsWithIgnoreCase(rest, tag))
        {
            return false;
        }

        if (rest.Length == tag.Length)
        {
            return true;
        }

        var after = rest[tag.Length];
        return after is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'\f' or (byte)'>' or (byte)'/';
    }

    private static string? Zip(ReadOnlySpan<byte> rest, int offset, int total)
    {
        if (rest.Length < 4 || rest[1] != 'K')
        {
            return null;
        }

        // Local file header: version needed to extract (2 bytes, a small number), flags, compression method.
        if (rest[2] == 3 && rest[3] == 4 && rest.Length >= 30 && rest[4] <= 63 && rest[5] == 0 && KnownZipMethod(rest[8..10]))
        {
            return "a ZIP archive";
        }

        // Central directory header: version made by, version needed, flags, compression method.
        if (rest[2] == 1 && rest[3] == 2 && rest.Length >= 46 && rest[6] <= 63 && rest[7] == 0 && KnownZipMethod(rest[10..12]))
        {
            return "a ZIP archive";
        }

        // End of central directory: within the last 22 + 65,535 bytes, entry counts that agree, its comment inside the file.
        if (rest[2] == 5 && rest[3] == 6 && rest.Length >= 22 && total - offset <= 22 + ushort.MaxValue
            && rest[8..10].SequenceEqual(rest[10..12]) && 22 + BinaryPrimitives.ReadUInt16LittleEndian(rest[20..]) <= rest.Length)
        {
            return "a ZIP archive";
        }

        return null;
    }

    /// <summary>Stored, deflate, deflate64, bzip2, LZMA, zstd, xz, PPMd and AES: the methods ZIP tools write.</summary>
    private static bool KnownZipMethod(ReadOnlySpan<byte> method) =>
        method[1] == 0 && method[0] is 0 or 8 or 9 or 12 or 14 or 93 or 95 or 98 or 99;

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> lowerAscii)
    {
        for (var i = 0; i < lowerAscii.Length; i++)
        {
            var b = bytes[i];
            if (b is >= (byte)'A' and <= (byte)'Z')
            {
                b = (byte)(b | 0x20);
            }

            if (b != lowerAscii[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> lowerAscii)
    {
        for (var i = 0; i + lowerAscii.Length <= bytes.Length; i++)
        {
            if (StartsWithIgnoreCase(bytes[i..], lowerAscii))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A count with thousands separators, as the details print them ("30,000").</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

using System.Buffers.Binary;
using Kudos.Testing;
using SkiaSharp;

namespace Kudos.UnitTests.Images;

/// <summary>Test images made in code: encoded by Skia, then given metadata, chunks or headers by hand.</summary>
internal static class ImageFixtures
{
    /// <summary>An RGBA image of the given size, drawn by <paramref name="draw"/> (opaque white first).</summary>
    public static SKBitmap Bitmap(int width, int height, Action<SKCanvas>? draw = null)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        draw?.Invoke(canvas);
        return bitmap;
    }

    /// <summary>A picture with some structure: a diagonal gradient with a coloured square.</summary>
    public static SKBitmap Picture(int width, int height)
    {
        return Bitmap(width, height, canvas =>
        {
            using var paint = new SKPaint();
            paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height), [SKColors.Orange, SKColors.Navy], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, paint);
            using var square = new SKPaint { Color = SKColors.Lime };
            canvas.DrawRect(width / 4f, height / 4f, width / 4f, height / 4f, square);
        });
    }

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 90)
    {
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    public static byte[] Jpeg(int width, int height) { using var b = Picture(width, height); return Encode(b, SKEncodedImageFormat.Jpeg); }

    public static byte[] Png(int width, int height) { using var b = Picture(width, height); return Encode(b, SKEncodedImageFormat.Png); }

    public static byte[] LosslessWebp(SKBitmap bitmap)
    {
        using var pixmap = bitmap.PeekPixels();
        using var data = pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 75)) ?? throw new InvalidOperationException("WebP encoding failed.");
        return data.ToArray();
    }

    // The GPS latitude 48° 51' 29.59" as three little-endian RATIONALs: a byte pattern nothing else produces.
    public static readonly byte[] GpsLatitude =
    [
        48, 0, 0, 0, 1, 0, 0, 0,
        51, 0, 0, 0, 1, 0, 0, 0,
        0x8F, 0x0B, 0, 0, 100, 0, 0, 0,
    ];

    /// <summary>
    /// <paramref name="jpeg"/> with an EXIF APP1 segment right after SOI: "Exif\0\0", a little-endian TIFF header, IFD0 with an
    /// Orientation entry (when given) and a GPSInfo pointer (when <paramref name="gps"/>), and a GPS IFD with the latitude.
    /// </summary>
    public static byte[] WithExif(byte[] jpeg, ushort? orientation, bool gps)
    {
        var entries = (orientation is null ? 0 : 1) + (gps ? 1 : 0);
        var gpsIfd = 8 + 2 + (12 * entries) + 4;
        var gpsData = gpsIfd + 2 + (12 * 2) + 4;
        var tiff = new List<byte>();
        void U16(int v) { tiff.Add((byte)v); tiff.Add((byte)(v >> 8)); }
        void U32(uint v) { U16((int)(v & 0xFFFF)); U16((int)(v >> 16)); }

        tiff.AddRange("II"u8.ToArray());
        U16(42);
        U32(8);
        U16(entries);
        if (orientation is { } o)
        {
            U16(0x0112); U16(3); U32(1); U16(o); U16(0);
        }

        if (gps)
        {
            U16(0x8825); U16(4); U32(1); U32((uint)gpsIfd);
        }

        U32(0);
        if (gps)
        {
            U16(2);
            U16(0x0001); U16(2); U32(2); tiff.AddRange("N\0\0\0"u8.ToArray());
            U16(0x0002); U16(5); U32(3); U32((uint)gpsData);
            U32(0);
            tiff.AddRange(GpsLatitude);
        }

        var app1 = new List<byte> { 0xFF, 0xE1 };
        var length = 2 + 6 + tiff.Count;
        app1.Add((byte)(length >> 8));
        app1.Add((byte)length);
        app1.AddRange("Exif\0\0"u8.ToArray());
        app1.AddRange(tiff);
        return [.. jpeg[..2], .. app1, .. jpeg[2..]];
    }

    /// <summary><paramref name="png"/> with a chunk inserted right after IHDR (its CRC computed).</summary>
    public static byte[] WithChunk(byte[] png, string type, byte[] data) => TestPictures.WithChunk(png, type, data);

    /// <summary><paramref name="png"/> with its IHDR claiming another size (and a CRC that matches the claim).</summary>
    public static byte[] WithIhdrSize(byte[] png, uint width, uint height) => TestPictures.WithIhdrSize(png, width, height);

    /// <summary><paramref name="jpeg"/> with its start-of-frame segment claiming another size.</summary>
    public static byte[] WithSofSize(byte[] jpeg, ushort width, ushort height)
    {
        var patched = (byte[])jpeg.Clone();
        var at = 2;
        while (patched[at] == 0xFF)
        {
            var marker = patched[at + 1];
            if (marker is 0xC0 or 0xC1 or 0xC2)
            {
                BinaryPrimitives.WriteUInt16BigEndian(patched.AsSpan(at + 5), height);
                BinaryPrimitives.WriteUInt16BigEndian(patched.AsSpan(at + 7), width);
                return patched;
            }

            at += 2 + BinaryPrimitives.ReadUInt16BigEndian(patched.AsSpan(at + 2));
        }

        throw new InvalidOperationException("No SOF segment.");
    }

    public static uint Crc32(ReadOnlySpan<byte> bytes) => TestPictures.Crc32(bytes);

    /// <summary>Decodes (frame <paramref name="frame"/> of) an image to unpremultiplied RGBA, failing the test when Skia cannot.</summary>
    public static SKBitmap Decode(byte[] encoded, int frame = 0)
    {
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data) ?? throw new InvalidOperationException("Skia cannot read the output.");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels(), new SKCodecOptions(frame));
        return result == SKCodecResult.Success ? bitmap : throw new InvalidOperationException($"Skia decoded the output with {result}.");
    }

    public static bool Contains(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    public static bool Near(SKColor actual, SKColor expected, int tolerance) =>
        Math.Abs(actual.Red - expected.Red) <= tolerance && Math.Abs(actual.Green - expected.Green) <= tolerance
        && Math.Abs(actual.Blue - expected.Blue) <= tolerance && Math.Abs(actual.Alpha - expected.Alpha) <= tolerance;
}

/// <summary>
/// GIFs written by hand, independently of <c>GifEncoder</c>: a 4-colour global table, frames at any position with any
/// disposal, and "uncompressed" LZW (3-bit literal codes with a clear code every two pixels, so the table never grows).
/// </summary>
internal static class RawGif
{
    public sealed record Frame(int X, int Y, int Width, int Height, byte[] Indices, int DelayCentiseconds = 10, int Disposal = 1, int TransparentIndex = -1);

    public static Frame Fill(int x, int y, int width, int height, byte index, int delay = 10, int disposal = 1, int transparentIndex = -1) =>
        new(x, y, width, height, Enumerable.Repeat(index, width * height).ToArray(), delay, disposal, transparentIndex);

    public static byte[] Build(int width, int height, SKColor[] palette, int? loopCount, params Frame[] frames)
    {
        var gif = new List<byte>();
        void U16(int v) { gif.Add((byte)v); gif.Add((byte)(v >> 8)); }

        gif.AddRange("GIF89a"u8.ToArray());
        U16(width);
        U16(height);
        gif.AddRange([0x80 | 0x70 | 0x01, 0, 0]);
        for (var i = 0; i < 4; i++)
        {
            var c = i < palette.Length ? palette[i] : SKColors.Black;
            gif.AddRange([c.Red, c.Green, c.Blue]);
        }

        if (loopCount is { } loops)
        {
            gif.AddRange([0x21, 0xFF, 0x0B, .. "NETSCAPE2.0"u8.ToArray(), 0x03, 0x01]);
            U16(loops);
            gif.Add(0);
        }

        foreach (var f in frames)
        {
            gif.AddRange([0x21, 0xF9, 0x04, (byte)((f.Disposal << 2) | (f.TransparentIndex >= 0 ? 1 : 0))]);
            U16(f.DelayCentiseconds);
            gif.AddRange([(byte)Math.Max(0, f.TransparentIndex), 0]);
            gif.Add(0x2C);
            U16(f.X);
            U16(f.Y);
            U16(f.Width);
            U16(f.Height);
            gif.Add(0);
            gif.Add(2);
            gif.AddRange(Blocks(Uncompressed(f.Indices)));
        }

        gif.Add(0x3B);
        return [.. gif];
    }

    private static List<byte> Uncompressed(byte[] indices)
    {
        const int Clear = 4, End = 5;
        var codes = new List<int>();
        for (var i = 0; i < indices.Length; i++)
        {
            if (i % 2 == 0)
            {
                codes.Add(Clear);
            }

            codes.Add(indices[i]);
        }

        codes.Add(End);
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var code in codes)
        {
            buffer |= code << bits;
            bits += 3;
            while (bits >= 8)
            {
                bytes.Add((byte)buffer);
                buffer >>= 8;
                bits -= 8;
            }
        }

        if (bits > 0)
        {
            bytes.Add((byte)buffer);
        }

        return bytes;
    }

    private static List<byte> Blocks(List<byte> data)
    {
        var blocks = new List<byte>();
        for (var i = 0; i < data.Count; i += 255)
        {
            var n = Math.Min(255, data.Count - i);
            blocks.Add((byte)n);
            blocks.AddRange(data.GetRange(i, n));
        }

        blocks.Add(0);
        return blocks;
    }
}

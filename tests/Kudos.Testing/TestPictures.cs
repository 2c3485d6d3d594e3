using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Kudos.Testing;

/// <summary>
/// Pictures for tests, written byte by byte (no image library): a valid PNG of any size, and the PNG chunk rewrites the
/// abuse tests need (a header claiming another size, an extra chunk), each with its CRC.
/// </summary>
public static class TestPictures
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>A valid 8-bit RGB PNG: a diagonal gradient up from the given colour.</summary>
    public static byte[] Png(int width, int height, byte red = 90, byte green = 60, byte blue = 200)
    {
        var raw = new byte[height * ((width * 3) + 1)];
        var i = 0;
        for (var y = 0; y < height; y++)
        {
            raw[i++] = 0; // filter: none
            for (var x = 0; x < width; x++)
            {
                var shade = (x + y) * 96 / (width + height);
                raw[i++] = (byte)Math.Min(255, red + shade);
                raw[i++] = (byte)Math.Min(255, green + shade);
                raw[i++] = (byte)Math.Min(255, blue + shade);
            }
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(raw);
        }

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: RGB
        return [.. PngSignature, .. Chunk("IHDR", header), .. Chunk("IDAT", compressed.ToArray()), .. Chunk("IEND", [])];
    }

    /// <summary>The width and height a PNG's header states.</summary>
    public static (int Width, int Height) PngSize(byte[] png) =>
        (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));

    /// <summary><paramref name="png"/> with its header claiming another size (and a CRC that matches the claim): a decompression bomb's shape.</summary>
    public static byte[] WithIhdrSize(byte[] png, uint width, uint height)
    {
        var patched = (byte[])png.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(patched.AsSpan(16), width);
        BinaryPrimitives.WriteUInt32BigEndian(patched.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(patched.AsSpan(29), Crc32(patched.AsSpan(12, 17)));
        return patched;
    }

    /// <summary><paramref name="png"/> with a chunk inserted right after its header.</summary>
    public static byte[] WithChunk(byte[] png, string type, byte[] data)
    {
        const int AfterIhdr = 8 + 12 + 13;
        return [.. png[..AfterIhdr], .. Chunk(type, data), .. png[AfterIhdr..]];
    }

    /// <summary>CRC-32 (ISO-HDLC, as PNG uses), bit by bit: test code, no speed needed.</summary>
    public static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }
}

using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Kudos.Api.Images;

/// <summary>
/// A GIF89a writer for animations (Skia decodes GIF but cannot encode it), written from the GIF89a specification. Frames are
/// added one at a time as full canvases of unpremultiplied RGBA; the encoder keeps two canvases (the frame waiting to be
/// written and what the screen shows before it) and the encoded bytes, never all the frames.
/// <para>
/// The file: the header and a logical screen descriptor without a global colour table; the NETSCAPE2.0 application extension
/// with the loop count (when the animation repeats); then, per frame, a graphic control extension (disposal, delay in
/// hundredths of a second, transparent index), an image descriptor with a local colour table, and the LZW-compressed
/// indices (variable code size from the minimum + 1 up to 12 bits, a clear code first and whenever the 4,096-entry table is
/// full, end-of-information last) in data sub-blocks of at most 255 bytes; the trailer last. No comment or other extension
/// is written.
/// </para>
/// <para>
/// Each frame is written as the difference from what the screen shows before it: only the rectangle around the pixels that
/// change, with unchanged pixels transparent, and disposal "do not dispose" so the next frame is drawn over it. GIF cannot
/// make a shown pixel transparent by drawing, so when a frame turns an opaque pixel transparent the frame before it is
/// written over the whole canvas with disposal "restore to background" (the screen is cleared after it), which is why a
/// frame is written only once the next one is known. An animation whose frames share most pixels thus stays about as small
/// as its source instead of growing by a whole canvas per frame.
/// </para>
/// Colours: see <see cref="ColorQuantizer"/> (exact up to 255 colours a frame, median cut beyond; alpha below 128 is transparent).
/// </summary>
public sealed class GifEncoder
{
    private const int MaxCodes = 4096;
    private const int KeepDisposal = 1;
    private const int ClearDisposal = 2;

    // An RGBA pixel read as a uint: alpha is the high byte on little-endian machines, the low byte on big-endian ones.
    private static readonly uint AlphaHighBit = BitConverter.IsLittleEndian ? 0x8000_0000u : 0x0000_0080u;
    private static readonly uint ColorBits = BitConverter.IsLittleEndian ? 0x00FF_FFFFu : 0xFFFF_FF00u;

    private readonly MemoryStream _output = new();
    private readonly ColorQuantizer _quantizer = new();
    private readonly LzwWriter _lzw = new();
    private readonly byte[] _crop;
    private byte[] _pending;
    private byte[] _screen;
    private int _pendingDelay = -1;
    private bool _finished;

    /// <summary>
    /// Starts a GIF of <paramref name="width"/> × <paramref name="height"/> pixels (1–65,535 each). <paramref name="loopCount"/>:
    /// null plays the animation once (no loop extension), 0 repeats it forever, n repeats it n more times (at most 65,535).
    /// </summary>
    public GifEncoder(int width, int height, int? loopCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, ushort.MaxValue);
        if (loopCount is { } loops)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(loops, nameof(loopCount));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(loops, ushort.MaxValue, nameof(loopCount));
        }

        Width = width;
        Height = height;
        _pending = new byte[width * height * 4];
        _screen = new byte[width * height * 4];
        _crop = new byte[width * height * 4];

        _output.Write("GIF89a"u8);
        WriteUInt16(width);
        WriteUInt16(height);
        // Logical screen descriptor: no global colour table, colour resolution 8 bits, background index 0, no aspect ratio.
        _output.Write([0x70, 0x00, 0x00]);

        if (loopCount is { } count)
        {
            _output.Write([0x21, 0xFF, 0x0B]);
            _output.Write("NETSCAPE2.0"u8);
            _output.Write([0x03, 0x01]);
            WriteUInt16(count);
            _output.WriteByte(0x00);
        }
    }

    /// <summary>Canvas width in pixels.</summary>
    public int Width { get; }

    /// <summary>Canvas height in pixels.</summary>
    public int Height { get; }

    /// <summary>Frames added so far.</summary>
    public int FrameCount { get; private set; }

    /// <summary>
    /// Adds a frame: <paramref name="rgba"/> is the whole canvas, unpremultiplied RGBA (4 × width × height bytes), shown for
    /// <paramref name="delayCentiseconds"/> hundredths of a second (clamped to 0–65,535). The span is copied.
    /// </summary>
    public void AddFrame(ReadOnlySpan<byte> rgba, int delayCentiseconds)
    {
        if (_finished)
        {
            throw new InvalidOperationException("The GIF is finished: ToArray() wrote its trailer.");
        }

        if (rgba.Length != Width * Height * 4)
        {
            throw new ArgumentException($"A frame must have {Width * Height * 4} bytes (RGBA, {Width} × {Height}); it has {rgba.Length}.", nameof(rgba));
        }

        if (_pendingDelay >= 0)
        {
            WritePending(ClearsPixels(_pending, rgba));
        }

        rgba.CopyTo(_pending);
        _pendingDelay = Math.Clamp(delayCentiseconds, 0, ushort.MaxValue);
        FrameCount++;
    }

    /// <summary>Writes the last frame and the trailer (once) and returns the file's bytes; no frame can be added after.</summary>
    public byte[] ToArray()
    {
        if (!_finished)
        {
            if (_pendingDelay >= 0)
            {
                WritePending(clearAfter: false);
            }

            _output.WriteByte(0x3B);
            _finished = true;
        }

        return _output.ToArray();
    }

    /// <summary>Whether some pixel opaque in <paramref name="shown"/> is transparent in <paramref name="next"/>.</summary>
    private static bool ClearsPixels(ReadOnlySpan<byte> shown, ReadOnlySpan<byte> next)
    {
        var before = MemoryMarshal.Cast<byte, uint>(shown);
        var after = MemoryMarshal.Cast<byte, uint>(next);
        for (var i = 0; i < before.Length; i++)
        {
            if ((before[i] & AlphaHighBit) != 0 && (after[i] & AlphaHighBit) == 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether two RGBA pixels (read as one <see cref="uint"/> each) look the same in a GIF: both transparent (alpha below
    /// 128, the alpha's high bit clear), or both opaque with the same colour.
    /// </summary>
    private static bool Same(uint a, uint b)
    {
        var opaque = (a & AlphaHighBit) != 0;
        return opaque == ((b & AlphaHighBit) != 0) && (!opaque || ((a ^ b) & ColorBits) == 0);
    }

    /// <summary>
    /// Writes the pending frame over <c>_screen</c> (what is shown before it): the rectangle of changed pixels with
    /// "do not dispose", or the whole canvas with "restore to background" when the next frame needs a cleared screen.
    /// </summary>
    private void WritePending(bool clearAfter)
    {
        var (left, top, width, height) = clearAfter ? (0, 0, Width, Height) : ChangedRectangle();
        var crop = MemoryMarshal.Cast<byte, uint>(_crop.AsSpan(0, width * height * 4));
        var pending = MemoryMarshal.Cast<byte, uint>(_pending.AsSpan());
        var screen = MemoryMarshal.Cast<byte, uint>(_screen.AsSpan());
        for (var y = 0; y < height; y++)
        {
            var row = ((top + y) * Width) + left;
            for (var x = 0; x < width; x++)
            {
                var pixel = pending[row + x];
                crop[(y * width) + x] = Same(pixel, screen[row + x]) ? 0u : pixel;
            }
        }

        WriteImage(_crop.AsSpan(0, width * height * 4), left, top, width, height, clearAfter ? ClearDisposal : KeepDisposal, _pendingDelay);
        if (clearAfter)
        {
            Array.Clear(_screen);
        }
        else
        {
            (_screen, _pending) = (_pending, _screen);
        }
    }

    /// <summary>The smallest rectangle holding every pixel the pending frame changes (1 × 1 when it changes none).</summary>
    private (int Left, int Top, int Width, int Height) ChangedRectangle()
    {
        var pending = MemoryMarshal.Cast<byte, uint>(_pending.AsSpan());
        var screen = MemoryMarshal.Cast<byte, uint>(_screen.AsSpan());
        int minX = Width, minY = Height, maxX = -1, maxY = -1;
        for (var y = 0; y < Height; y++)
        {
            var row = y * Width;
            for (var x = 0; x < Width; x++)
            {
                if (!Same(pending[row + x], screen[row + x]))
                {
                    (minX, maxX) = (Math.Min(minX, x), Math.Max(maxX, x));
                    (minY, maxY) = (Math.Min(minY, y), Math.Max(maxY, y));
                }
            }
        }

        return maxX < 0 ? (0, 0, 1, 1) : (minX, minY, maxX - minX + 1, maxY - minY + 1);
    }

    private void WriteImage(ReadOnlySpan<byte> rgba, int left, int top, int width, int height, int disposal, int delay)
    {
        var frame = _quantizer.Quantize(rgba);
        var transparent = frame.TransparentIndex >= 0;
        var entries = Math.Max(2, frame.Colors + (transparent ? 1 : 0));
        var tableBits = 1;
        while (1 << tableBits < entries)
        {
            tableBits++;
        }

        // Graphic control extension: disposal, transparency flag, delay, transparent index.
        _output.Write([0x21, 0xF9, 0x04, (byte)((disposal << 2) | (transparent ? 1 : 0))]);
        WriteUInt16(delay);
        _output.Write([(byte)(transparent ? frame.TransparentIndex : 0), 0x00]);

        // Image descriptor with a local colour table of 2^tableBits entries, not interlaced.
        _output.WriteByte(0x2C);
        WriteUInt16(left);
        WriteUInt16(top);
        WriteUInt16(width);
        WriteUInt16(height);
        _output.WriteByte((byte)(0x80 | (tableBits - 1)));

        var table = new byte[(1 << tableBits) * 3];
        frame.Palette.AsSpan(0, frame.Colors * 3).CopyTo(table);
        _output.Write(table);

        var minCodeSize = Math.Max(2, tableBits);
        _output.WriteByte((byte)minCodeSize);
        _lzw.Write(frame.Indices, minCodeSize, _output);
    }

    private void WriteUInt16(int value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)value);
        _output.Write(bytes);
    }

    /// <summary>
    /// The GIF flavour of LZW. The string table maps (prefix code, next index) to a code through an open-addressed hash table
    /// whose slots carry a generation stamp, so clearing the table is one increment rather than a memset.
    /// </summary>
    private sealed class LzwWriter
    {
        private const int Slots = 8192;

        private readonly int[] _keys = new int[Slots];
        private readonly short[] _codes = new short[Slots];
        private readonly int[] _stamps = new int[Slots];
        private int _stamp;

        public void Write(ReadOnlySpan<byte> indices, int minCodeSize, Stream output)
        {
            var bits = new SubBlockWriter(output);
            var clear = 1 << minCodeSize;
            var end = clear + 1;
            var codeSize = minCodeSize + 1;
            var next = end + 1;
            _stamp++;

            bits.Write(clear, codeSize);
            int prefix = indices[0];
            for (var i = 1; i < indices.Length; i++)
            {
                int index = indices[i];
                var key = (prefix << 8) | index;
                var slot = Find(key);
                if (_stamps[slot] == _stamp)
                {
                    prefix = _codes[slot];
                    continue;
                }

                bits.Write(prefix, codeSize);
                if (next < MaxCodes)
                {
                    // The decoder adds this entry one code later and widens its codes when its table reaches 2^codeSize,
                    // so the next code must already be one bit wider when the entry about to be added is number 2^codeSize.
                    if (next >= 1 << codeSize)
                    {
                        codeSize++;
                    }

                    _keys[slot] = key;
                    _codes[slot] = (short)next++;
                    _stamps[slot] = _stamp;
                }
                else
                {
                    bits.Write(clear, codeSize);
                    _stamp++;
                    codeSize = minCodeSize + 1;
                    next = end + 1;
                }

                prefix = index;
            }

            bits.Write(prefix, codeSize);
            // The decoder adds an entry on reading that last code too, and may widen the end code.
            if (next < MaxCodes && next >= 1 << codeSize)
            {
                codeSize++;
            }

            bits.Write(end, codeSize);
            bits.Finish();
        }

        /// <summary>The slot holding <paramref name="key"/> in this generation, or the empty slot where it would go.</summary>
        private int Find(int key)
        {
            var slot = (int)(((uint)key * 2654435761u) >> 19);
            while (_stamps[slot] == _stamp && _keys[slot] != key)
            {
                slot = (slot + 1) & (Slots - 1);
            }

            return slot;
        }
    }

    /// <summary>Packs codes least significant bit first into bytes, and the bytes into sub-blocks of at most 255.</summary>
    private ref struct SubBlockWriter(Stream output)
    {
        private readonly Stream _output = output;
        private readonly byte[] _block = new byte[256];
        private int _length;
        private uint _buffer;
        private int _bits;

        public void Write(int code, int size)
        {
            _buffer |= (uint)code << _bits;
            _bits += size;
            while (_bits >= 8)
            {
                Put((byte)_buffer);
                _buffer >>= 8;
                _bits -= 8;
            }
        }

        public void Finish()
        {
            if (_bits > 0)
            {
                Put((byte)_buffer);
                _buffer = 0;
                _bits = 0;
            }

            Flush();
            _output.WriteByte(0x00);
        }

        private void Put(byte value)
        {
            _block[1 + _length++] = value;
            if (_length == 255)
            {
                Flush();
            }
        }

        private void Flush()
        {
            if (_length == 0)
            {
                return;
            }

            _block[0] = (byte)_length;
            _output.Write(_block, 0, _length + 1);
            _length = 0;
        }
    }
}

namespace Kudos.Api.Images;

/// <summary>One frame reduced to a colour table: an index per pixel, <c>Colors</c> RGB triples, and the transparent index (or -1).</summary>
internal readonly record struct IndexedFrame(byte[] Indices, byte[] Palette, int Colors, int TransparentIndex);

/// <summary>
/// Reduces an RGBA frame to at most 256 colours for a GIF colour table. A pixel with alpha below 128 is transparent (GIF
/// has one transparent index, no partial alpha); it gets the index after the last colour.
/// <para>
/// A frame with at most 255 distinct opaque colours keeps them exactly (the usual case for a GIF that is not scaled).
/// Otherwise the colours are chosen by median cut: the opaque pixels are counted in a 32 × 32 × 32 histogram (5 bits a
/// channel); starting from one box around all of them, the box with the largest population × longest side is split at the
/// population median of its longest side until there are 255 boxes (256 without transparency) or none can be split; each
/// box's colour is the mean of its pixels, and every pixel takes the colour of its box. No dithering (it would flicker
/// between frames and defeat LZW). Every step is ordered by fixed keys, so the same frame always gives the same bytes.
/// </para>
/// One instance reuses its histogram buffers between frames; it is not thread-safe.
/// </summary>
internal sealed class ColorQuantizer
{
    private const int AlphaThreshold = 128;
    private const int Bins = 32 * 32 * 32;

    private readonly int[] _count = new int[Bins];
    private readonly long[] _sumR = new long[Bins];
    private readonly long[] _sumG = new long[Bins];
    private readonly long[] _sumB = new long[Bins];
    private readonly byte[] _binIndex = new byte[Bins];
    private readonly Dictionary<int, int> _exact = new(256);

    /// <summary>Indexes <paramref name="rgba"/> (unpremultiplied RGBA, 4 bytes a pixel).</summary>
    public IndexedFrame Quantize(ReadOnlySpan<byte> rgba)
    {
        var pixels = rgba.Length / 4;
        var indices = new byte[pixels];
        return TryExact(rgba, indices) ?? MedianCut(rgba, indices);
    }

    private IndexedFrame? TryExact(ReadOnlySpan<byte> rgba, byte[] indices)
    {
        const byte Placeholder = 255;
        _exact.Clear();
        var transparent = false;
        int lastKey = -1, lastIndex = 0; // runs of one colour skip the dictionary
        for (var i = 0; i < indices.Length; i++)
        {
            var p = rgba.Slice(i * 4, 4);
            if (p[3] < AlphaThreshold)
            {
                transparent = true;
                indices[i] = Placeholder;
                continue;
            }

            var key = (p[0] << 16) | (p[1] << 8) | p[2];
            if (key == lastKey)
            {
                indices[i] = (byte)lastIndex;
                continue;
            }

            if (!_exact.TryGetValue(key, out var index))
            {
                if (_exact.Count == 255)
                {
                    return null;
                }

                index = _exact.Count;
                _exact.Add(key, index);
            }

            indices[i] = (byte)index;
            (lastKey, lastIndex) = (key, index);
        }

        var colors = _exact.Count;
        var palette = new byte[colors * 3];
        foreach (var (key, index) in _exact)
        {
            palette[index * 3] = (byte)(key >> 16);
            palette[(index * 3) + 1] = (byte)(key >> 8);
            palette[(index * 3) + 2] = (byte)key;
        }

        if (!transparent)
        {
            return new IndexedFrame(indices, palette, colors, -1);
        }

        // The placeholder becomes the index after the last colour, keeping the colour table as small as it can be.
        if (colors != Placeholder)
        {
            indices.AsSpan().Replace(Placeholder, (byte)colors);
        }

        return new IndexedFrame(indices, palette, colors, colors);
    }

    private IndexedFrame MedianCut(ReadOnlySpan<byte> rgba, byte[] indices)
    {
        Array.Clear(_count);
        Array.Clear(_sumR);
        Array.Clear(_sumG);
        Array.Clear(_sumB);
        var transparent = false;
        for (var i = 0; i < indices.Length; i++)
        {
            var p = rgba.Slice(i * 4, 4);
            if (p[3] < AlphaThreshold)
            {
                transparent = true;
                continue;
            }

            var bin = Bin(p);
            _count[bin]++;
            _sumR[bin] += p[0];
            _sumG[bin] += p[1];
            _sumB[bin] += p[2];
        }

        var occupied = new List<int>();
        for (var bin = 0; bin < Bins; bin++)
        {
            if (_count[bin] > 0)
            {
                occupied.Add(bin);
            }
        }

        var bins = occupied.ToArray();
        var keys = new int[bins.Length];
        var boxes = new List<Box> { MakeBox(bins, 0, bins.Length) };
        var maxColors = transparent ? 255 : 256;
        while (boxes.Count < maxColors)
        {
            var chosen = -1;
            var best = 0L;
            for (var b = 0; b < boxes.Count; b++)
            {
                var score = boxes[b].End - boxes[b].Start < 2 ? 0 : boxes[b].Population * boxes[b].Extent;
                if (score > best)
                {
                    (chosen, best) = (b, score);
                }
            }

            if (chosen < 0)
            {
                break;
            }

            var box = boxes[chosen];
            var split = box.Start + Split(bins.AsSpan(box.Start, box.End - box.Start), keys.AsSpan(box.Start, box.End - box.Start), box.Axis);
            boxes[chosen] = MakeBox(bins, box.Start, split);
            boxes.Add(MakeBox(bins, split, box.End));
        }

        var palette = new byte[boxes.Count * 3];
        for (var b = 0; b < boxes.Count; b++)
        {
            var box = boxes[b];
            long n = 0, r = 0, g = 0, bl = 0;
            foreach (var bin in bins.AsSpan(box.Start, box.End - box.Start))
            {
                n += _count[bin];
                r += _sumR[bin];
                g += _sumG[bin];
                bl += _sumB[bin];
                _binIndex[bin] = (byte)b;
            }

            palette[b * 3] = (byte)((r + (n / 2)) / n);
            palette[(b * 3) + 1] = (byte)((g + (n / 2)) / n);
            palette[(b * 3) + 2] = (byte)((bl + (n / 2)) / n);
        }

        var transparentIndex = transparent ? boxes.Count : -1;
        for (var i = 0; i < indices.Length; i++)
        {
            var p = rgba.Slice(i * 4, 4);
            indices[i] = p[3] < AlphaThreshold ? (byte)transparentIndex : _binIndex[Bin(p)];
        }

        return new IndexedFrame(indices, palette, boxes.Count, transparentIndex);
    }

    private static int Bin(ReadOnlySpan<byte> p) => ((p[0] >> 3) << 10) | ((p[1] >> 3) << 5) | (p[2] >> 3);

    private static int Channel(int bin, int axis) => (bin >> (10 - (axis * 5))) & 31;

    /// <summary>A box of bins <c>[Start, End)</c> with its pixel count and its longest side (in bins).</summary>
    private readonly record struct Box(int Start, int End, long Population, int Axis, int Extent);

    private Box MakeBox(int[] bins, int start, int end)
    {
        Span<int> min = [31, 31, 31];
        Span<int> max = [0, 0, 0];
        foreach (var bin in bins.AsSpan(start, end - start))
        {
            for (var axis = 0; axis < 3; axis++)
            {
                var c = Channel(bin, axis);
                min[axis] = Math.Min(min[axis], c);
                max[axis] = Math.Max(max[axis], c);
            }
        }

        var longest = 0;
        for (var axis = 1; axis < 3; axis++)
        {
            if (max[axis] - min[axis] > max[longest] - min[longest])
            {
                longest = axis;
            }
        }

        return new Box(start, end, Population(bins.AsSpan(start, end - start)), longest, max[longest] - min[longest]);
    }

    private long Population(ReadOnlySpan<int> bins)
    {
        long n = 0;
        foreach (var bin in bins)
        {
            n += _count[bin];
        }

        return n;
    }

    /// <summary>Sorts the box's bins along <paramref name="axis"/> and returns where the population median falls (1 .. length-1).</summary>
    private int Split(Span<int> bins, Span<int> keys, int axis)
    {
        for (var i = 0; i < bins.Length; i++)
        {
            // The bin itself breaks ties, so the order (and the result) does not depend on the sort's stability.
            keys[i] = (Channel(bins[i], axis) << 15) | bins[i];
        }

        keys.Sort(bins);
        var half = Population(bins) / 2;
        long seen = 0;
        for (var i = 0; i < bins.Length - 1; i++)
        {
            seen += _count[bins[i]];
            if (seen >= half)
            {
                return i + 1;
            }
        }

        return bins.Length - 1;
    }
}

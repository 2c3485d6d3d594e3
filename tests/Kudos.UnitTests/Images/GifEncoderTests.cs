using Kudos.Api.Images;
using SkiaSharp;
using Xunit;
using static Kudos.UnitTests.Images.ImageFixtures;

namespace Kudos.UnitTests.Images;

/// <summary>The GIF encoder's output is checked by Skia's decoder, written by others from the same specification.</summary>
public sealed class GifEncoderTests
{
    private static byte[] Rgba(int width, int height, Func<int, int, SKColor> color)
    {
        var rgba = new byte[width * height * 4];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var c = color(x, y);
                var at = ((y * width) + x) * 4;
                (rgba[at], rgba[at + 1], rgba[at + 2], rgba[at + 3]) = (c.Red, c.Green, c.Blue, c.Alpha);
            }
        }

        return rgba;
    }

    private static byte[] Gif(int width, int height, int? loop, params (byte[] Rgba, int Delay)[] frames)
    {
        var encoder = new GifEncoder(width, height, loop);
        foreach (var (rgba, delay) in frames)
        {
            encoder.AddFrame(rgba, delay);
        }

        return encoder.ToArray();
    }

    [Fact]
    public void Up_to_255_colours_come_back_exactly_through_table_resets_and_every_code_size()
    {
        // 200 colours in a pseudo-random pattern: poor compression, so the 4,096-entry table fills and is cleared many times.
        var colours = Enumerable.Range(0, 200).Select(i => new SKColor((byte)(i * 37), (byte)(i * 91), (byte)(255 - i))).ToArray();
        var random = new Random(7);
        var picks = Enumerable.Range(0, 300 * 200).Select(_ => colours[random.Next(colours.Length)]).ToArray();

        var gif = Gif(300, 200, 0, (Rgba(300, 200, (x, y) => picks[(y * 300) + x]), 5));

        using var decoded = Decode(gif);
        for (var y = 0; y < 200; y++)
        {
            for (var x = 0; x < 300; x++)
            {
                Assert.Equal(picks[(y * 300) + x], decoded.GetPixel(x, y));
            }
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(1000, 1000)] // one colour: long runs, the table fills with ever longer strings
    public void Tiny_and_flat_frames_decode(int width, int height)
    {
        var gif = Gif(width, height, null, (Rgba(width, height, (_, _) => SKColors.Purple), 0));

        using var decoded = Decode(gif);
        Assert.Equal(SKColors.Purple, decoded.GetPixel(width - 1, height - 1));
        Assert.True(gif.Length < 20_000, $"{gif.Length} bytes");
    }

    [Fact]
    public void Many_colours_are_reduced_by_median_cut_to_close_ones()
    {
        // 16,384 distinct colours.
        var source = Rgba(128, 128, (x, y) => new SKColor((byte)(x * 2), (byte)(y * 2), (byte)((x + y) % 256)));

        var gif = Gif(128, 128, null, (source, 0));

        using var decoded = Decode(gif);
        long error = 0;
        var worst = 0;
        for (var y = 0; y < 128; y++)
        {
            for (var x = 0; x < 128; x++)
            {
                var at = ((y * 128) + x) * 4;
                var d = decoded.GetPixel(x, y);
                var e = Math.Abs(d.Red - source[at]) + Math.Abs(d.Green - source[at + 1]) + Math.Abs(d.Blue - source[at + 2]);
                error += e;
                worst = Math.Max(worst, e);
            }
        }

        var mean = error / (128.0 * 128);
        Assert.True(mean < 24, $"Mean error {mean:0.0} (sum over R, G, B).");
        Assert.True(worst < 96, $"Worst error {worst}.");
    }

    [Fact]
    public void Alpha_below_half_is_transparent_and_above_is_opaque()
    {
        var gif = Gif(4, 1, null, (Rgba(4, 1, (x, _) => x switch
        {
            0 => new SKColor(255, 0, 0, 0),
            1 => new SKColor(0, 255, 0, 127),
            2 => new SKColor(0, 0, 255, 128),
            _ => SKColors.Yellow,
        }), 0));

        using var decoded = Decode(gif);
        Assert.Equal(0, decoded.GetPixel(0, 0).Alpha);
        Assert.Equal(0, decoded.GetPixel(1, 0).Alpha);
        Assert.Equal(SKColors.Blue, decoded.GetPixel(2, 0));
        Assert.Equal(SKColors.Yellow, decoded.GetPixel(3, 0));
    }

    [Fact]
    public void Delays_and_the_loop_count_are_written_and_nothing_else()
    {
        var red = Rgba(3, 3, (_, _) => SKColors.Red);
        var blue = Rgba(3, 3, (_, _) => SKColors.Blue);

        var gif = Gif(3, 3, 2, (red, 7), (blue, 150));

        using var data = SKData.CreateCopy(gif);
        using var codec = SKCodec.Create(data);
        Assert.Equal(2, codec.FrameCount);
        Assert.Equal(2, codec.RepetitionCount);
        Assert.Equal(new[] { 70, 1500 }, codec.FrameInfo.Select(f => f.Duration));
        Assert.StartsWith("GIF89a", System.Text.Encoding.ASCII.GetString(gif, 0, 6), StringComparison.Ordinal);
        Assert.Equal(0x3B, gif[^1]);
        Assert.False(Contains(gif, [0x21, 0xFE]), "No comment extension.");
        Assert.Equal(gif, Gif(3, 3, 2, (red, 7), (blue, 150)));
    }

    private static void AssertFrame(byte[] gif, int index, byte[] expected, int width)
    {
        using var decoded = Decode(gif, index);
        for (var y = 0; y < decoded.Height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var at = ((y * width) + x) * 4;
                var actual = decoded.GetPixel(x, y);
                if (expected[at + 3] < 128)
                {
                    Assert.True(actual.Alpha == 0, $"Frame {index} ({x}, {y}) should be transparent, is {actual}.");
                }
                else
                {
                    Assert.True(new SKColor(expected[at], expected[at + 1], expected[at + 2]) == actual, $"Frame {index} ({x}, {y}) is {actual}.");
                }
            }
        }
    }

    [Fact]
    public void A_frame_that_changes_a_little_is_written_as_a_small_rectangle()
    {
        var random = new Random(3);
        // 150 colours (plus the red square): few enough to come back exactly.
        var colours = Enumerable.Range(0, 150).Select(i => new SKColor((byte)i, (byte)(255 - i), 40)).ToArray();
        var background = Enumerable.Range(0, 120 * 90).Select(_ => colours[random.Next(colours.Length)]).ToArray();
        var frames = Enumerable.Range(0, 10).Select(f => Rgba(120, 90, (x, y) =>
            x >= f * 10 && x < (f * 10) + 8 && y >= 40 && y < 48 ? SKColors.Red : background[(y * 120) + x])).ToArray();

        var gif = Gif(120, 90, 0, [.. frames.Select(f => (f, 4))]);
        var single = Gif(120, 90, 0, (frames[0], 4));

        Assert.True(gif.Length < single.Length * 1.3, $"10 frames take {gif.Length:N0} bytes, one takes {single.Length:N0}.");
        for (var i = 0; i < frames.Length; i++)
        {
            AssertFrame(gif, i, frames[i], 120);
        }
    }

    [Fact]
    public void Pixels_that_turn_transparent_are_cleared_and_a_repeated_frame_decodes()
    {
        var clear = new SKColor(0, 0, 0, 0);
        byte[][] frames =
        [
            Rgba(6, 4, (_, _) => SKColors.Red),
            Rgba(6, 4, (x, _) => x < 3 ? clear : SKColors.Red),
            Rgba(6, 4, (_, y) => y < 2 ? SKColors.Blue : clear),
            Rgba(6, 4, (_, y) => y < 2 ? SKColors.Blue : clear),
            Rgba(6, 4, (_, _) => clear),
            Rgba(6, 4, (x, y) => x == y ? SKColors.Lime : clear),
        ];

        var gif = Gif(6, 4, 0, [.. frames.Select(f => (f, 10))]);

        for (var i = 0; i < frames.Length; i++)
        {
            AssertFrame(gif, i, frames[i], 6);
        }
    }

    [Fact]
    public void Misuse_is_refused()
    {
        var encoder = new GifEncoder(2, 2, null);
        Assert.Throws<ArgumentException>(() => encoder.AddFrame(new byte[15], 0));
        encoder.AddFrame(new byte[16], 0);
        encoder.ToArray();
        Assert.Throws<InvalidOperationException>(() => encoder.AddFrame(new byte[16], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GifEncoder(0, 1, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GifEncoder(1, 1, 70_000));
    }
}

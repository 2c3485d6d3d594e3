using System.Globalization;
using System.IO.Compression;
using System.Text;
using Kudos.Api.Images;
using SkiaSharp;
using Xunit;
using static Kudos.UnitTests.Images.ImageFixtures;

namespace Kudos.UnitTests.Images;

public sealed class ImageSanitizerTests
{
    private static readonly ImageSanitizer Sanitizer = new(new ImageOptions());

    private static readonly SKColor[] Palette = [SKColors.Red, SKColors.Lime, SKColors.Blue, SKColors.White];

    private static SanitizedImage Sanitize(byte[] input, string? declared = null, ImageOptions? options = null) =>
        (options is null ? Sanitizer : new ImageSanitizer(options)).Sanitize(input, declared, TestContext.Current.CancellationToken);

    private static ImageRejectedException Rejected(byte[] input, string? declared = null, ImageOptions? options = null) =>
        Assert.Throws<ImageRejectedException>(() => Sanitize(input, declared, options));

    // --- Metadata -------------------------------------------------------------------------------------------------

    [Fact]
    public void A_jpeg_with_gps_exif_is_accepted_and_comes_out_without_any_exif()
    {
        var input = WithExif(Jpeg(64, 48), orientation: null, gps: true);
        Assert.True(Contains(input, "Exif\0\0"u8) && Contains(input, GpsLatitude), "The fixture carries EXIF with a GPS latitude.");

        var image = Sanitize(input, "image/jpeg");

        Assert.Equal("image/jpeg", image.ContentType);
        Assert.Equal((64, 48, 1), (image.Width, image.Height, image.Frames));
        Assert.False(Contains(image.Bytes, "Exif"u8), "No EXIF header is left.");
        Assert.False(Contains(image.Bytes, [0xFF, 0xE1]), "No APP1 segment is left.");
        Assert.False(Contains(image.Bytes, GpsLatitude), "No GPS data is left.");
        Assert.False(Contains(image.Bytes, [0x25, 0x88]), "No GPSInfo tag is left.");
        Assert.False(Contains(image.Bytes, "ICC_PROFILE"u8), "No ICC profile is written.");
        using var decoded = Decode(image.Bytes);
        Assert.Equal((64, 48), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void A_jpeg_with_exif_orientation_6_comes_out_rotated_upright()
    {
        // Stored landscape: left half red, right half blue. Orientation 6 says "rotate 90° clockwise to view".
        using var stored = Bitmap(40, 20, canvas =>
        {
            using var red = new SKPaint { Color = SKColors.Red };
            using var blue = new SKPaint { Color = SKColors.Blue };
            canvas.DrawRect(0, 0, 20, 20, red);
            canvas.DrawRect(20, 0, 20, 20, blue);
        });
        var input = WithExif(Encode(stored, SKEncodedImageFormat.Jpeg, 95), orientation: 6, gps: false);

        var image = Sanitize(input, "image/jpeg");

        Assert.Equal((20, 40), (image.Width, image.Height));
        using var data = SKData.CreateCopy(image.Bytes);
        using var codec = SKCodec.Create(data);
        Assert.Equal(SKEncodedOrigin.TopLeft, codec.EncodedOrigin);
        using var upright = Decode(image.Bytes);
        // Turned clockwise, the stored left (red) is now the top and the stored right (blue) the bottom.
        Assert.True(Near(upright.GetPixel(10, 5), SKColors.Red, 40), $"Top is {upright.GetPixel(10, 5)}.");
        Assert.True(Near(upright.GetPixel(10, 34), SKColors.Blue, 40), $"Bottom is {upright.GetPixel(10, 34)}.");
    }

    [Fact]
    public void A_large_rotated_jpeg_is_turned_and_scaled_in_one_step()
    {
        using var stored = Picture(3000, 1000);
        var input = WithExif(Encode(stored, SKEncodedImageFormat.Jpeg), orientation: 8, gps: true);

        var image = Sanitize(input);

        Assert.Equal((683, 2048), (image.Width, image.Height));
        Assert.False(Contains(image.Bytes, GpsLatitude));
        using var decoded = Decode(image.Bytes);
        Assert.Equal((683, 2048), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void Png_text_chunks_are_removed_and_the_pixels_kept_exactly()
    {
        using var source = Picture(32, 24);
        var input = WithChunk(Encode(source, SKEncodedImageFormat.Png), "tEXt", Encoding.Latin1.GetBytes("Comment\0secret: the party is at 12 Elm St"));
        input = WithChunk(input, "iTXt", Encoding.UTF8.GetBytes("Description\0\0\0\0\0hidden location 48.8582 N"));
        using var fixture = Decode(input); // the fixture's chunks are valid: Skia reads it

        var image = Sanitize(input, "image/png");

        Assert.Equal("image/png", image.ContentType);
        Assert.False(Contains(image.Bytes, "secret"u8));
        Assert.False(Contains(image.Bytes, "hidden location"u8));
        Assert.False(Contains(image.Bytes, "tEXt"u8) || Contains(image.Bytes, "iTXt"u8) || Contains(image.Bytes, "zTXt"u8));
        Assert.False(Contains(image.Bytes, "eXIf"u8) || Contains(image.Bytes, "iCCP"u8));
        using var decoded = Decode(image.Bytes);
        for (var y = 0; y < 24; y++)
        {
            for (var x = 0; x < 32; x++)
            {
                Assert.Equal(source.GetPixel(x, y), decoded.GetPixel(x, y));
            }
        }
    }

    [Fact]
    public void A_png_keeps_its_transparency()
    {
        using var source = new SKBitmap(new SKImageInfo(10, 10, SKColorType.Rgba8888, SKAlphaType.Premul));
        source.Erase(SKColors.Transparent);
        source.SetPixel(3, 3, SKColors.Red);

        var image = Sanitize(Encode(source, SKEncodedImageFormat.Png));

        using var decoded = Decode(image.Bytes);
        Assert.Equal(SKColors.Transparent.Alpha, decoded.GetPixel(0, 0).Alpha);
        Assert.Equal(SKColors.Red, decoded.GetPixel(3, 3));
    }

    // --- Types ----------------------------------------------------------------------------------------------------

    [Fact]
    public void A_lossy_webp_is_accepted_as_webp()
    {
        using var source = Picture(50, 40);
        var image = Sanitize(Encode(source, SKEncodedImageFormat.Webp, 80), "image/webp");

        Assert.Equal(("image/webp", 50, 40), (image.ContentType, image.Width, image.Height));
        Assert.True(Contains(image.Bytes, "VP8 "u8), "Lossy in, lossy out.");
        using var decoded = Decode(image.Bytes);
        Assert.True(Near(decoded.GetPixel(25, 20), source.GetPixel(25, 20), 40));
    }

    [Fact]
    public void A_lossless_webp_stays_lossless()
    {
        using var source = Picture(20, 20);
        var image = Sanitize(LosslessWebp(source), "image/webp");

        Assert.True(Contains(image.Bytes, "VP8L"u8));
        using var decoded = Decode(image.Bytes);
        Assert.Equal(source.GetPixel(7, 13), decoded.GetPixel(7, 13));
    }

    [Fact]
    public void A_still_gif_becomes_a_png_with_the_same_pixels()
    {
        var input = RawGif.Build(6, 4, Palette, loopCount: null,
            new RawGif.Frame(0, 0, 6, 4, [0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 2, 1, 0, 2, 1, 0]));

        var image = Sanitize(input, "image/gif");

        Assert.Equal(("image/png", 6, 4, 1), (image.ContentType, image.Width, image.Height, image.Frames));
        using var decoded = Decode(image.Bytes);
        Assert.Equal(SKColors.Red, decoded.GetPixel(0, 0));
        Assert.Equal(SKColors.Lime, decoded.GetPixel(2, 1));
        Assert.Equal(SKColors.Blue, decoded.GetPixel(5, 0));
        Assert.Equal(SKColors.White, decoded.GetPixel(1, 2));
        Assert.Equal(SKColors.Lime, decoded.GetPixel(1, 3));
    }

    [Theory]
    [InlineData(0, -1)] // NETSCAPE loop 0: forever (Skia reports -1)
    [InlineData(3, 3)]
    [InlineData(null, 0)] // no loop extension: played once
    public void An_animated_gif_stays_animated_with_its_frames_delays_and_loop(int? loop, int expectedRepetitions)
    {
        var input = RawGif.Build(16, 12, Palette, loop,
            RawGif.Fill(0, 0, 16, 12, 0, delay: 10),
            RawGif.Fill(0, 0, 16, 12, 1, delay: 20),
            RawGif.Fill(0, 0, 16, 12, 2, delay: 35));

        var image = Sanitize(input, "image/gif");

        Assert.Equal(("image/gif", 16, 12, 3), (image.ContentType, image.Width, image.Height, image.Frames));
        using var data = SKData.CreateCopy(image.Bytes);
        using var codec = SKCodec.Create(data);
        Assert.Equal(3, codec.FrameCount);
        Assert.Equal(new[] { 100, 200, 350 }, codec.FrameInfo.Select(f => f.Duration));
        Assert.Equal(expectedRepetitions, codec.RepetitionCount);
        SKColor[] expected = [SKColors.Red, SKColors.Lime, SKColors.Blue];
        for (var i = 0; i < 3; i++)
        {
            using var frame = Decode(image.Bytes, i);
            Assert.Equal(expected[i], frame.GetPixel(0, 0));
            Assert.Equal(expected[i], frame.GetPixel(15, 11));
        }
    }

    [Theory]
    [InlineData(1, "keep")] // the blue square stays under the green one
    [InlineData(2, "background")] // the blue square's area is cleared to transparent
    [InlineData(3, "previous")] // the blue square is undone
    public void Partial_gif_frames_are_composited_as_their_disposal_says(int disposal, string name)
    {
        var input = RawGif.Build(8, 8, Palette, 0,
            RawGif.Fill(0, 0, 8, 8, 0),
            RawGif.Fill(1, 1, 3, 3, 2, disposal: disposal),
            RawGif.Fill(4, 4, 2, 2, 1));

        var image = Sanitize(input);

        Assert.Equal(3, image.Frames);
        using var second = Decode(image.Bytes, 1);
        Assert.Equal(SKColors.Blue, second.GetPixel(2, 2));
        Assert.Equal(SKColors.Red, second.GetPixel(6, 6));
        using var third = Decode(image.Bytes, 2);
        Assert.Equal(SKColors.Lime, third.GetPixel(4, 4));
        Assert.Equal(SKColors.Red, third.GetPixel(7, 0));
        var underBlue = third.GetPixel(2, 2);
        switch (name)
        {
            case "keep":
                Assert.Equal(SKColors.Blue, underBlue);
                break;
            case "background":
                Assert.Equal(0, underBlue.Alpha);
                break;
            default:
                Assert.Equal(SKColors.Red, underBlue);
                break;
        }
    }

    [Fact]
    public void An_animated_gif_keeps_transparency_and_is_scaled_like_a_still()
    {
        var input = RawGif.Build(3000, 4, Palette, 0,
            RawGif.Fill(0, 0, 3000, 4, 2, disposal: 2, transparentIndex: 3),
            RawGif.Fill(0, 0, 3000, 4, 3, disposal: 2, transparentIndex: 3));

        var image = Sanitize(input);

        Assert.Equal(("image/gif", 2048, 3, 2), (image.ContentType, image.Width, image.Height, image.Frames));
        using var first = Decode(image.Bytes, 0);
        Assert.True(Near(first.GetPixel(1000, 1), SKColors.Blue, 2), $"{first.GetPixel(1000, 1)}");
        using var second = Decode(image.Bytes, 1);
        Assert.Equal(0, second.GetPixel(1000, 1).Alpha);
    }

    [Fact]
    public void The_same_input_gives_the_same_bytes()
    {
        var input = Jpeg(300, 200);
        Assert.Equal(Sanitize(input).Bytes, Sanitize(input).Bytes);
    }

    // --- Size limits ----------------------------------------------------------------------------------------------

    [Fact]
    public void One_byte_over_5_MB_is_refused_with_413()
    {
        var input = new byte[(5 * 1024 * 1024) + 1];
        Jpeg(8, 8).CopyTo(input, 0);

        var error = Rejected(input, "image/jpeg");

        Assert.Equal((413, ImageRejectedException.TooLarge), (error.StatusCode, error.Code));
        Assert.Equal("The image is 5,242,881 bytes; at most 5,242,880 bytes (5 MB) are accepted.", error.Detail);
    }

    [Fact]
    public void An_empty_upload_is_refused_with_400()
    {
        var error = Rejected([]);
        Assert.Equal((400, ImageRejectedException.Empty), (error.StatusCode, error.Code));
    }

    [Fact]
    public void A_wide_png_comes_out_2048_wide_keeping_its_aspect()
    {
        var image = Sanitize(Png(4000, 1000), "image/png");

        Assert.Equal((2048, 512), (image.Width, image.Height));
        using var decoded = Decode(image.Bytes);
        Assert.Equal((2048, 512), (decoded.Width, decoded.Height));
        // The lime square (source 1000..2000 × 250..500) lands at 512..1024 × 128..256.
        Assert.True(Near(decoded.GetPixel(768, 192), SKColors.Lime, 8), $"{decoded.GetPixel(768, 192)}");
    }

    [Fact]
    public void A_large_jpeg_is_scaled_down_and_a_small_image_is_never_scaled_up()
    {
        var large = Sanitize(Jpeg(4000, 3000));
        Assert.Equal((2048, 1536), (large.Width, large.Height));
        using var decoded = Decode(large.Bytes);
        Assert.True(Near(decoded.GetPixel(768, 576), SKColors.Lime, 24), $"{decoded.GetPixel(768, 576)}");

        var small = Sanitize(Png(30, 20));
        Assert.Equal((30, 20), (small.Width, small.Height));
    }

    // --- Wrong types ----------------------------------------------------------------------------------------------

    [Fact]
    public void A_png_declared_as_jpeg_is_refused_with_415_saying_what_it_is()
    {
        var error = Rejected(Png(8, 8), "image/jpeg");

        Assert.Equal((415, ImageRejectedException.TypeMismatch), (error.StatusCode, error.Code));
        Assert.Equal("The upload is declared as image/jpeg, but its bytes are a PNG image. Send it as image/png, or send the file you meant.", error.Detail);
    }

    [Theory]
    [InlineData("image/jpg")]
    [InlineData("IMAGE/JPEG; charset=binary")]
    [InlineData("image/pjpeg")]
    [InlineData(null)]
    [InlineData("")]
    public void Jpeg_aliases_or_no_declared_type_are_accepted(string? declared) =>
        Assert.Equal("image/jpeg", Sanitize(Jpeg(8, 8), declared).ContentType);

    [Fact]
    public void A_declared_type_that_is_no_image_type_is_refused_even_for_a_real_image()
    {
        var error = Rejected(Png(8, 8), "application/octet-stream");
        Assert.Equal((415, ImageRejectedException.UnsupportedType), (error.StatusCode, error.Code));
        Assert.Contains("send it as image/png", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><circle r=\"4\"/></svg>", "image/svg+xml", "an SVG image")]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>", "image/png", "an SVG image")]
    [InlineData("<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>", "image/jpeg", "an HTML document")]
    [InlineData("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "image/png", "a PDF document")]
    [InlineData("BM\u0046\0\0\0\0\0\0\0\u0036\0\0\0\u0028\0\0\0\u0002\0\0\0\u0002\0\0\0\u0001\0\u0018\0", "image/bmp", "a BMP image")]
    [InlineData("II*\0\u0008\0\0\0", "image/tiff", "a TIFF image")]
    [InlineData("\0\0\0\u0018ftypheic\0\0\0\0mif1heic", "image/heic", "a HEIC/HEIF image")]
    public void Files_of_other_types_are_refused_with_415_naming_the_type(string content, string declared, string described)
    {
        var error = Rejected(Encoding.Latin1.GetBytes(content), declared);

        Assert.Equal((415, ImageRejectedException.UnsupportedType), (error.StatusCode, error.Code));
        Assert.StartsWith($"The file is {described}", error.Detail, StringComparison.Ordinal);
        Assert.EndsWith("only JPEG, PNG, WebP and GIF images are accepted.", error.Detail, StringComparison.Ordinal);
    }

    // --- Decompression bombs --------------------------------------------------------------------------------------

    [Fact]
    public void A_small_png_claiming_30000_by_30000_is_refused_before_decoding()
    {
        var input = WithIhdrSize(Png(1, 1), 30_000, 30_000);
        Assert.True(input.Length < 200);

        var error = Rejected(input, "image/png");

        Assert.Equal((422, ImageRejectedException.TooManyPixels), (error.StatusCode, error.Code));
        Assert.Equal("The image is 30,000 × 30,000 pixels (900 megapixels); at most 40 megapixels are accepted.", error.Detail);
    }

    [Fact]
    public void A_jpeg_claiming_60000_by_60000_is_refused_from_its_header()
    {
        var error = Rejected(WithSofSize(Jpeg(16, 16), 60_000, 60_000));

        Assert.Equal((422, ImageRejectedException.TooManyPixels), (error.StatusCode, error.Code));
        Assert.Contains("60,000 × 60,000 pixels", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_side_over_the_limit_is_refused_even_with_few_pixels()
    {
        var error = Rejected(WithIhdrSize(Png(1, 1), 12_001, 2));

        Assert.Equal((422, ImageRejectedException.TooManyPixels), (error.StatusCode, error.Code));
        Assert.Equal("The image is 12,001 × 2 pixels; at most 12,000 pixels are accepted on either side.", error.Detail);
    }

    [Fact]
    public void A_gif_claiming_a_65535_square_screen_is_refused()
    {
        var input = RawGif.Build(65_535, 65_535, Palette, null, RawGif.Fill(0, 0, 1, 1, 0));

        var error = Rejected(input, "image/gif");

        Assert.Equal((422, ImageRejectedException.TooManyPixels), (error.StatusCode, error.Code));
        Assert.Contains("65,535 × 65,535 pixels", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gif_with_more_than_120_frames_is_refused()
    {
        var frames = Enumerable.Range(0, 121).Select(i => RawGif.Fill(0, 0, 2, 2, (byte)(i % 3))).ToArray();

        var error = Rejected(RawGif.Build(2, 2, Palette, 0, frames));

        Assert.Equal((422, ImageRejectedException.TooManyFrames), (error.StatusCode, error.Code));
        Assert.Equal("The animation has 121 frames; at most 120 are accepted.", error.Detail);
    }

    [Fact]
    public void A_gif_over_the_total_pixel_budget_is_refused()
    {
        var input = RawGif.Build(20, 20, Palette, 0, RawGif.Fill(0, 0, 20, 20, 0), RawGif.Fill(0, 0, 20, 20, 1), RawGif.Fill(0, 0, 20, 20, 2));

        var error = Rejected(input, options: new ImageOptions { MaxGifTotalPixels = 1000 });

        Assert.Equal((422, ImageRejectedException.TooManyFrames), (error.StatusCode, error.Code));
        Assert.StartsWith("The animation has 3 frames of 20 × 20 pixels (1,200 pixels in all); at most 1,000 pixels are accepted.", error.Detail, StringComparison.Ordinal);
    }

    // --- Malformed ------------------------------------------------------------------------------------------------

    [Fact]
    public void The_first_200_bytes_of_a_jpeg_are_refused_as_malformed()
    {
        var error = Rejected(Jpeg(64, 64)[..200], "image/jpeg");
        Assert.Equal((422, ImageRejectedException.Malformed), (error.StatusCode, error.Code));
    }

    [Fact]
    public void A_jpeg_cut_in_its_pixel_data_is_refused_as_truncated()
    {
        var jpeg = Jpeg(256, 256);

        var error = Rejected(jpeg[..(jpeg.Length / 2)]);

        Assert.Equal((422, ImageRejectedException.Malformed), (error.StatusCode, error.Code));
        Assert.Equal("The JPEG image is truncated: its data ends before the last pixel.", error.Detail);
    }

    [Fact]
    public void A_truncated_animated_gif_is_refused_as_malformed()
    {
        var gif = RawGif.Build(30, 30, Palette, 0, RawGif.Fill(0, 0, 30, 30, 0), RawGif.Fill(0, 0, 30, 30, 1), RawGif.Fill(0, 0, 30, 30, 2));

        var error = Rejected(gif[..(gif.Length - 200)], "image/gif");

        Assert.Equal((422, ImageRejectedException.Malformed), (error.StatusCode, error.Code));
        Assert.Contains("truncated", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_bytes_after_a_png_signature_are_refused_as_malformed()
    {
        var input = new byte[4096];
        new Random(1051).NextBytes(input);
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        signature.CopyTo(input, 0);

        var error = Rejected(input, "image/png");

        Assert.Equal((422, ImageRejectedException.Malformed), (error.StatusCode, error.Code));
    }

    [Fact]
    public void A_png_with_a_corrupt_pixel_stream_is_refused_as_malformed()
    {
        var png = Png(64, 64);
        var idat = png.AsSpan().IndexOf("IDAT"u8);
        for (var i = idat + 10; i < idat + 60; i++)
        {
            png[i] ^= 0x5A;
        }

        var error = Rejected(png);

        Assert.Equal((422, ImageRejectedException.Malformed), (error.StatusCode, error.Code));
    }

    // --- Polyglots ------------------------------------------------------------------------------------------------

    [Fact]
    public void A_jpeg_with_a_script_appended_is_refused_as_a_polyglot()
    {
        var jpeg = Jpeg(16, 16);
        var error = Rejected([.. jpeg, .. "<script>alert(1)</script>"u8.ToArray()], "image/jpeg");

        Assert.Equal((422, ImageRejectedException.Polyglot), (error.StatusCode, error.Code));
        Assert.StartsWith($"The file is a JPEG image that also carries a <script> tag (at byte {jpeg.Length.ToString("N0", CultureInfo.InvariantCulture)})", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gif_with_a_zip_appended_is_refused_as_a_polyglot()
    {
        var gif = RawGif.Build(4, 4, Palette, null, RawGif.Fill(0, 0, 4, 4, 1));
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = archive.CreateEntry("shell.php").Open();
            entry.Write("not really php, just a zip entry"u8);
        }

        var error = Rejected([.. gif, .. zip.ToArray()], "image/gif");

        Assert.Equal((422, ImageRejectedException.Polyglot), (error.StatusCode, error.Code));
        Assert.Contains("a ZIP archive", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<?php system($_GET['c']); ?>", "PHP code")]
    [InlineData("<HTML><body>hi</body></HTML>", "an HTML document")]
    [InlineData("<iframe src=//evil>", "an <iframe> tag")]
    public void Markup_hidden_in_a_png_chunk_is_refused(string hidden, string what)
    {
        var input = WithChunk(Png(8, 8), "tEXt", Encoding.Latin1.GetBytes("Comment\0" + hidden));

        var error = Rejected(input);

        Assert.Equal((422, ImageRejectedException.Polyglot), (error.StatusCode, error.Code));
        Assert.Contains($"also carries {what}", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Words_that_only_start_like_a_tag_are_not_a_polyglot()
    {
        var input = WithChunk(Png(8, 8), "tEXt", Encoding.Latin1.GetBytes("Comment\0<scripting> <htmlish PK"));
        Assert.Equal("image/png", Sanitize(input).ContentType);
    }
}

using System.Globalization;
using Microsoft.Extensions.Options;

namespace Kudos.Api.Images;

/// <summary>
/// <c>Images</c>: the limits of the card picture pipeline (<see cref="ImageSanitizer"/>). Every upload is checked against the
/// byte limit first, then against the dimensions its header declares (before any pixel is decoded), then decoded, scaled
/// down and re-encoded. Bind it from configuration with <see cref="ImageServiceCollectionExtensions.AddKudosImages"/>; an
/// invalid value stops the start with a message naming its key.
/// </summary>
public sealed class ImageOptions
{
    public const string Section = "Images";

    /// <summary>Most bytes one upload may have before processing (default 5 MiB = 5,242,880); a larger one is refused with 413.</summary>
    public int MaxUploadBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>
    /// Most pixels (width × height, as the header declares them) an image may decode to (default 40,000,000). This is the
    /// decompression-bomb guard: it is checked before any pixel memory is allocated, and an image over it is refused with 422.
    /// Decoding takes about 4 bytes per pixel (160 MB at the default).
    /// </summary>
    public long MaxInputPixels { get; set; } = 40_000_000;

    /// <summary>Most pixels on either side of an uploaded image (default 12,000); a wider or taller one is refused with 422.</summary>
    public int MaxInputDimension { get; set; } = 12_000;

    /// <summary>
    /// Longest side of a processed image (default 2048). A larger image is scaled down to it, keeping its aspect ratio; a
    /// smaller one keeps its size (never scaled up).
    /// </summary>
    public int MaxOutputDimension { get; set; } = 2048;

    /// <summary>Most frames of an animated GIF (default 120); one with more is refused with 422.</summary>
    public int MaxGifFrames { get; set; } = 120;

    /// <summary>
    /// Most pixels all the frames of an animated GIF may decode to together, frames × canvas width × height (default
    /// 100,000,000): bounds the work one animation costs. One over it is refused with 422.
    /// </summary>
    public long MaxGifTotalPixels { get; set; } = 100_000_000;

    /// <summary>Quality (1–100) of re-encoded JPEG images (default 85).</summary>
    public int JpegQuality { get; set; } = 85;

    /// <summary>Quality (1–100) of re-encoded lossy WebP images (default 85); a lossless WebP source stays lossless.</summary>
    public int WebpQuality { get; set; } = 85;

    /// <summary>The problems with these values, each naming its configuration key; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        Check(failures, nameof(MaxUploadBytes), MaxUploadBytes, 1, 64L * 1024 * 1024);
        Check(failures, nameof(MaxInputPixels), MaxInputPixels, 1, 250_000_000);
        Check(failures, nameof(MaxInputDimension), MaxInputDimension, 1, 65_535);
        Check(failures, nameof(MaxOutputDimension), MaxOutputDimension, 1, 16_384);
        Check(failures, nameof(MaxGifFrames), MaxGifFrames, 1, 10_000);
        Check(failures, nameof(MaxGifTotalPixels), MaxGifTotalPixels, 1, 2_000_000_000);
        Check(failures, nameof(JpegQuality), JpegQuality, 1, 100);
        Check(failures, nameof(WebpQuality), WebpQuality, 1, 100);
        return failures;
    }

    private static void Check(List<string> failures, string key, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Section}:{key} must be a whole number from {min} to {max} (was {value})."));
        }
    }
}

/// <summary>Registers the card picture pipeline: <see cref="ImageOptions"/> bound from <c>Images</c> and validated at start, and an <see cref="ImageSanitizer"/>.</summary>
public static class ImageServiceCollectionExtensions
{
    public static IServiceCollection AddKudosImages(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ImageOptions>().Bind(configuration.GetSection(ImageOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ImageOptions>, ImageOptionsValidation>();
        services.AddSingleton(sp => new ImageSanitizer(sp.GetRequiredService<IOptions<ImageOptions>>().Value));
        return services;
    }

    private sealed class ImageOptionsValidation : IValidateOptions<ImageOptions>
    {
        public ValidateOptionsResult Validate(string? name, ImageOptions options)
        {
            var failures = options.Validate();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}

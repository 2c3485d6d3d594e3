using Kudos.Api.Images;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Kudos.UnitTests.Images;

public sealed class ImageOptionsTests
{
    private static ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build();
        return new ServiceCollection().AddKudosImages(configuration).BuildServiceProvider();
    }

    [Fact]
    public void The_defaults_are_the_documented_limits()
    {
        var o = new ImageOptions();
        Assert.Equal(5 * 1024 * 1024, o.MaxUploadBytes);
        Assert.Equal(40_000_000, o.MaxInputPixels);
        Assert.Equal(12_000, o.MaxInputDimension);
        Assert.Equal(2048, o.MaxOutputDimension);
        Assert.Equal(120, o.MaxGifFrames);
        Assert.Equal(100_000_000, o.MaxGifTotalPixels);
        Assert.Equal((85, 85), (o.JpegQuality, o.WebpQuality));
        Assert.Empty(o.Validate());
    }

    [Fact]
    public void Configured_values_replace_the_defaults_and_reach_the_sanitizer()
    {
        using var services = Services(("Images:MaxOutputDimension", "100"), ("Images:MaxGifFrames", "10"));

        Assert.Equal(100, services.GetRequiredService<IOptions<ImageOptions>>().Value.MaxOutputDimension);
        var image = services.GetRequiredService<ImageSanitizer>().Sanitize(ImageFixtures.Png(400, 200), "image/png", TestContext.Current.CancellationToken);
        Assert.Equal((100, 50), (image.Width, image.Height));
    }

    [Theory]
    [InlineData("Images:MaxOutputDimension", "0")]
    [InlineData("Images:JpegQuality", "101")]
    [InlineData("Images:MaxUploadBytes", "-1")]
    [InlineData("Images:MaxGifFrames", "many")]
    public void An_invalid_value_stops_the_start_naming_its_key(string key, string value)
    {
        using var services = Services((key, value));
        var error = Assert.ThrowsAny<Exception>(() => services.GetRequiredService<IOptions<ImageOptions>>().Value);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sanitizer_refuses_invalid_options()
    {
        var error = Assert.Throws<ArgumentException>(() => new ImageSanitizer(new ImageOptions { WebpQuality = 0 }));
        Assert.Contains("Images:WebpQuality must be a whole number from 1 to 100 (was 0).", error.Message, StringComparison.Ordinal);
    }
}

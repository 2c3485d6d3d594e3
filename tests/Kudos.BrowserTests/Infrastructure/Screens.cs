using Kudos.Testing;
using Microsoft.Playwright;
using Xunit;

namespace Kudos.BrowserTests.Infrastructure;

/// <summary>Phone and desktop screenshots of a page, saved under <c>TestResults/screenshots/</c> (git-ignored).</summary>
public static class Screens
{
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 800 };

    /// <summary>A taller desktop window, for pages whose first screen matters (the recipient's board).</summary>
    public static readonly ViewportSize TallDesktop = new() { Width = 1280, Height = 900 };

    public static string Folder { get; } = Path.Combine(RepoPaths.Root, "TestResults", "screenshots");

    /// <summary>
    /// Saves <c>{name}-phone.png</c> and <c>{name}-desktop.png</c> (full page) and checks that nothing overflows
    /// sideways on a phone. The page keeps the desktop size afterwards (<paramref name="desktop"/>, or <see cref="Desktop"/>).
    /// </summary>
    public static async Task CaptureAsync(IPage page, string name, ViewportSize? desktop = null)
    {
        Directory.CreateDirectory(Folder);
        foreach (var (label, size) in new[] { ("phone", Phone), ("desktop", desktop ?? Desktop) })
        {
            await page.SetViewportSizeAsync(size.Width, size.Height);
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{name} at {label} width ({size.Width} px) scrolls sideways by {overflow} px.");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Folder, $"{name}-{label}.png"), FullPage = true });
        }
    }
}

using Kudos.Testing;
using Microsoft.Playwright;
using Xunit;

namespace Kudos.BrowserTests.Infrastructure;

/// <summary>
/// The real stack (PostgreSQL, SMTP server, silo and API processes) and one headless Debian Chromium, shared by the
/// browser tests; each test opens its own browser contexts (separate cookies and storage, like separate people).
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    /// <summary>Debian's package; Playwright never downloads a browser here.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private KudosStack? _stack;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public KudosStack Stack => _stack ?? throw new InvalidOperationException("The stack did not start.");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium did not start.");

    /// <summary>The stack's name (its database) and settings beyond the test stack's defaults.</summary>
    protected virtual string StackName => "web";

    protected virtual IReadOnlyDictionary<string, string>? StackEnvironment => null;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: run deploy/local/ensure-deps.sh (it installs Debian's chromium).");
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        _stack = await KudosStack.StartAsync(StackName, cts.Token, StackEnvironment);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 60_000,
        });
        Assertions.SetDefaultExpectTimeout(20_000);
    }

    /// <summary>A fresh browser profile: desktop size, a fixed locale and the given time zone.</summary>
    public async Task<IPage> NewPageAsync(string timeZone = "Europe/Paris", bool clipboard = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Stack.ApiBase.ToString(),
            ViewportSize = Screens.Desktop,
            Locale = "en-GB",
            TimezoneId = timeZone,
        });
        context.SetDefaultTimeout(20_000);
        if (clipboard)
        {
            await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new BrowserContextGrantPermissionsOptions { Origin = Stack.ApiBase.GetLeftPart(UriPartial.Authority) });
        }

        return await context.NewPageAsync();
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>As <see cref="BrowserFixture"/>, with the product's default: new owner addresses confirm by email.</summary>
public sealed class ConfirmingBrowserFixture : BrowserFixture
{
    protected override string StackName => "web_owners";

    protected override IReadOnlyDictionary<string, string>? StackEnvironment => KudosStack.RequireOwnerConfirmation;
}

[CollectionDefinition(Name)]
public sealed class ConfirmingBrowserCollection : ICollectionFixture<ConfirmingBrowserFixture>
{
    public const string Name = "browser-confirming";
}

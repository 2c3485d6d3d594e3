using Microsoft.Playwright;

namespace Kudos.BrowserTests.Infrastructure;

/// <summary>
/// Records what a page must never do: open a JavaScript dialog (alert/confirm/prompt), throw an uncaught error, or
/// try something the Content-Security-Policy refuses (an inline script or event handler reaching the DOM).
/// </summary>
public sealed class PageWatch
{
    private readonly List<string> _events = [];

    public PageWatch(IPage page)
    {
        page.Dialog += (_, dialog) =>
        {
            Add($"dialog {dialog.Type}: {dialog.Message}");
            _ = dialog.DismissAsync();
        };
        page.PageError += (_, error) => Add($"page error: {error}");
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                Add($"CSP: {message.Text}");
            }
        };
    }

    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    private void Add(string text)
    {
        lock (_events)
        {
            _events.Add(text);
        }
    }
}

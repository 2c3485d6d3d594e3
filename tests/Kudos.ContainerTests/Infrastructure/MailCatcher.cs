using System.Net.Http.Json;
using System.Text.Json;
using Kudos.Testing;

namespace Kudos.ContainerTests.Infrastructure;

/// <summary>
/// The JSON API of the mail catcher running in the stack (deploy/local/smtp_server.py in its container), reached through
/// its published port: the same long-poll the other test tiers use, over the network instead of a child process.
/// </summary>
public sealed class MailCatcher(Uri baseAddress) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>
    /// Waits until at least <paramref name="count"/> messages (to <paramref name="to"/> when given) were accepted, or until
    /// <paramref name="timeout"/>; returns what there is either way, so the caller asserts.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedMail>> WaitAsync(int count, TimeSpan timeout, string? to, CancellationToken ct)
    {
        var query = $"api/messages/wait?count={count}&timeoutMs={(long)timeout.TotalMilliseconds}";
        if (to is not null)
        {
            query += $"&to={Uri.EscapeDataString(to)}";
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bound.CancelAfter(timeout + TimeSpan.FromSeconds(30));
        return await _http.GetFromJsonAsync<List<ReceivedMail>>(query, Json, bound.Token)
            ?? throw new InvalidOperationException($"GET {query} returned null");
    }

    public void Dispose() => _http.Dispose();
}

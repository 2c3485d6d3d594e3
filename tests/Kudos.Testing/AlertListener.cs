using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Kudos.Testing;

/// <summary>A real HTTP endpoint on loopback that records the alerts posted to it.</summary>
public sealed class AlertListener : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<JsonElement> _received = new();
    private readonly SemaphoreSlim _signal = new(0);

    public AlertListener()
    {
        var port = Ports.Free();
        Url = $"http://127.0.0.1:{port}/alerts/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public string Url { get; }

    public IReadOnlyCollection<JsonElement> Received => _received;

    /// <summary>Waits (on each post's arrival) until <paramref name="count"/> alerts arrived or <paramref name="timeout"/> passed; returns those received.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitAsync(int count, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_received.Count < count && DateTime.UtcNow < deadline)
        {
            await _signal.WaitAsync(deadline - DateTime.UtcNow, ct);
        }

        return [.. _received];
    }

    public void Dispose() => _listener.Close();

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using (var reader = new StreamReader(context.Request.InputStream))
            {
                _received.Enqueue(JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone());
            }

            // An empty 204 written without blocking this loop on the client.
            context.Response.StatusCode = 204;
            context.Response.Close([], willBlock: false);
            _signal.Release();
        }
    }
}

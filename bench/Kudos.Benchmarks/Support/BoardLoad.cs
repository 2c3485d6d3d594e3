using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kudos.Testing;

namespace Kudos.Benchmarks.Support;

/// <summary>A board the benchmark created: its recipient address carries its index.</summary>
internal sealed record CreatedBoard(int Index, Guid Id, string ContributeKey, DateTimeOffset DeliverAt)
{
    public string Recipient => BoardLoad.Recipient(Index);
}

/// <summary>Result of creating boards over HTTP.</summary>
internal sealed record CreateResult(IReadOnlyList<CreatedBoard> Boards, int Failed, string? FirstError, TimeSpan Elapsed)
{
    public double Rate => Boards.Count / Math.Max(Elapsed.TotalSeconds, 0.001);

    public string Describe() =>
        $"{Boards.Count:N0} boards created over HTTP in {Elapsed.TotalSeconds:0.0} s ({Rate:0} boards/s)" +
        (Failed > 0 ? $"; {Failed:N0} creations failed (first: {FirstError})" : "");
}

/// <summary>Creates boards through <c>POST /api/boards</c>, as users do, with bounded concurrency.</summary>
internal static class BoardLoad
{
    public const string RecipientDomain = "rcpt.test";

    public static string Recipient(int index) => $"r{index.ToString(CultureInfo.InvariantCulture)}@{RecipientDomain}";

    /// <summary>The board index of a delivery email's recipient, or null for any other email (owner notices).</summary>
    public static int? IndexOf(ReceivedMail mail)
    {
        var to = mail.RcptTos.FirstOrDefault();
        return to is not null && to.StartsWith('r') && to.EndsWith("@" + RecipientDomain, StringComparison.OrdinalIgnoreCase)
            && int.TryParse(to.AsSpan(1, to.IndexOf('@', StringComparison.Ordinal) - 1), CultureInfo.InvariantCulture, out var index)
            ? index
            : null;
    }

    public static HttpClient CreateClient(Uri api, int concurrency) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = concurrency,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    })
    {
        BaseAddress = api,
        Timeout = TimeSpan.FromSeconds(60),
    };

    public static async Task<CreateResult> CreateAsync(KudosStack stack, int from, int count, Func<int, DateTimeOffset> deliverAt, int concurrency, CancellationToken ct)
    {
        using var http = CreateClient(stack.ApiBase, concurrency);
        var boards = new CreatedBoard?[count];
        var failed = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(from, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (index, token) =>
        {
            var at = deliverAt(index);
            using var response = await http.PostAsJsonAsync("api/boards", new
            {
                title = $"Thank you #{index}",
                recipientName = $"Recipient {index}",
                recipientEmail = Recipient(index),
                ownerName = "Bench Owner",
                ownerEmail = $"o{index}@owner.test",
                deliverAt = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                timeZone = "UTC",
            }, token);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                Interlocked.Increment(ref failed);
                var body = await response.Content.ReadAsStringAsync(token);
                Interlocked.CompareExchange(ref firstError, $"{(int)response.StatusCode} {body[..Math.Min(body.Length, 200)]}", null);
                return;
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(token));
            var root = json.RootElement;
            boards[index - from] = new CreatedBoard(index, root.GetProperty("id").GetGuid(), root.GetProperty("contributeKey").GetString()!, at);
        });
        return new CreateResult([.. boards.OfType<CreatedBoard>()], failed, firstError, clock.Elapsed);
    }
}

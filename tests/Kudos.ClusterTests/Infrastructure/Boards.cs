using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kudos.Testing;
using Xunit;

namespace Kudos.ClusterTests.Infrastructure;

/// <summary>A board created through the API, with the recipient address only it uses and its delivery instant.</summary>
public sealed record ScheduledBoard(Guid Id, string Recipient, DateTimeOffset DeliverAt);

/// <summary>Creating many boards through the REST API, as clients would.</summary>
public static class Boards
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Creates one board per instant, a few requests at a time; each gets its own recipient address.</summary>
    public static async Task<IReadOnlyList<ScheduledBoard>> CreateAsync(KudosStack stack, string prefix, IReadOnlyList<DateTimeOffset> instants, CancellationToken ct)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var boards = new ScheduledBoard[instants.Count];
        await Parallel.ForAsync(0, instants.Count, new ParallelOptions { MaxDegreeOfParallelism = 6, CancellationToken = ct }, async (i, token) =>
        {
            var recipient = $"{prefix}-{i}-{run}@example.test";
            var body = new
            {
                title = $"Board {i}",
                recipientName = "Ada Lovelace",
                recipientEmail = recipient,
                ownerName = "Grace",
                ownerEmail = "owner@example.test",
                deliverAt = instants[i].ToString("O"),
                timeZone = "UTC",
            };
            using var response = await stack.Http.PostAsJsonAsync("/api/boards", body, token);
            var text = await response.Content.ReadAsStringAsync(token);
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/boards answered {(int)response.StatusCode}: {text}");
            var id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
            boards[i] = new ScheduledBoard(id, recipient, instants[i]);
        });
        return boards;
    }

    /// <summary><paramref name="count"/> instants spread evenly from <paramref name="first"/> over <paramref name="span"/>.</summary>
    public static IReadOnlyList<DateTimeOffset> Spread(DateTimeOffset first, TimeSpan span, int count) =>
        [.. Enumerable.Range(0, count).Select(i => first + (span * i / Math.Max(1, count - 1)))];
}

/// <summary>What the SMTP server received for a set of boards: who got nothing, who got more than one email.</summary>
public sealed class DeliveryReport
{
    private DeliveryReport(IReadOnlyList<ScheduledBoard> boards, IReadOnlyList<ReceivedMail> mails)
    {
        var byRecipient = mails.SelectMany(m => m.RcptTos.Select(r => (Recipient: r.ToLowerInvariant(), Mail: m)))
            .GroupBy(x => x.Recipient)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Mail).OrderBy(m => m.ReceivedAt).ToList());
        Missing = [.. boards.Where(b => !byRecipient.ContainsKey(b.Recipient.ToLowerInvariant()))];
        Duplicates = [.. boards.Where(b => byRecipient.TryGetValue(b.Recipient.ToLowerInvariant(), out var m) && m.Count > 1)
            .Select(b => (b, byRecipient[b.Recipient.ToLowerInvariant()]))];
        First = boards.Where(b => byRecipient.ContainsKey(b.Recipient.ToLowerInvariant()))
            .ToDictionary(b => b, b => byRecipient[b.Recipient.ToLowerInvariant()][0]);
    }

    public IReadOnlyList<ScheduledBoard> Missing { get; }

    public IReadOnlyList<(ScheduledBoard Board, List<ReceivedMail> Mails)> Duplicates { get; }

    /// <summary>The first email each delivered board produced.</summary>
    public IReadOnlyDictionary<ScheduledBoard, ReceivedMail> First { get; }

    /// <summary>How late each delivered board's first email was accepted, behind its <c>deliverAt</c>.</summary>
    public IEnumerable<(ScheduledBoard Board, TimeSpan Lag)> Lags => First.Select(kv => (kv.Key, kv.Value.ReceivedAt - kv.Key.DeliverAt));

    /// <summary>
    /// Waits until every board has an email (or <paramref name="timeout"/> passed), then waits <paramref name="settle"/>
    /// for late duplicates, and reports.
    /// </summary>
    public static async Task<DeliveryReport> CollectAsync(KudosStack stack, IReadOnlyList<ScheduledBoard> boards, TimeSpan timeout, TimeSpan settle, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        TimeSpan Remaining() => deadline - DateTimeOffset.UtcNow > TimeSpan.Zero ? deadline - DateTimeOffset.UtcNow : TimeSpan.Zero;
        var all = await stack.Smtp.WaitForMessagesAsync(boards.Count, Remaining(), null, ct);
        var report = new DeliveryReport(boards, all);
        // Duplicates can bring the count to the target while boards are still missing: wait on, one message at a time.
        while (report.Missing.Count > 0 && Remaining() > TimeSpan.Zero)
        {
            all = await stack.Smtp.WaitForMessagesAsync(all.Count + 1, Remaining() < TimeSpan.FromSeconds(5) ? Remaining() : TimeSpan.FromSeconds(5), null, ct);
            report = new DeliveryReport(boards, all);
        }

        if (report.Missing.Count == 0 && settle > TimeSpan.Zero)
        {
            report = new DeliveryReport(boards, await stack.Smtp.WaitForMessagesAsync(all.Count + 1, settle, null, ct));
        }

        return report;
    }

    public string Describe() =>
        $"{First.Count} delivered, {Missing.Count} missing, {Duplicates.Count} duplicated" +
        (Missing.Count > 0 ? $"; missing: {string.Join(", ", Missing.Take(10).Select(b => $"{b.Id} (due {b.DeliverAt:HH:mm:ss.fff})"))}" : "") +
        (Duplicates.Count > 0 ? $"; duplicates: {string.Join(", ", Duplicates.Take(10).Select(d => $"{d.Board.Id} ×{d.Mails.Count} at {string.Join("/", d.Mails.Select(m => m.ReceivedAt.ToString("HH:mm:ss.fff")))}"))}" : "");
}

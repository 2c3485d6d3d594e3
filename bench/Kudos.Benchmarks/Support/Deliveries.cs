using Kudos.Testing;

namespace Kudos.Benchmarks.Support;

/// <summary>The delivery emails the SMTP server accepted for a set of boards: lags, losses, duplicates.</summary>
internal sealed class Deliveries
{
    private Deliveries(IReadOnlyList<CreatedBoard> boards, IReadOnlyList<ReceivedMail> mails)
    {
        var byIndex = boards.ToDictionary(b => b.Index);
        var delivered = mails.Select(m => (Mail: m, Index: BoardLoad.IndexOf(m))).Where(x => x.Index is { } i && byIndex.ContainsKey(i)).ToList();
        var groups = delivered.GroupBy(x => x.Index!.Value).ToList();
        Others = mails.Count - delivered.Count;
        Duplicates = groups.Sum(g => g.Count() - 1);
        Lost = boards.Count - groups.Count;
        // The first acceptance of each board's email against that board's instant.
        LagsMs = [.. groups.Select(g => (g.Min(x => x.Mail.ReceivedAt) - byIndex[g.Key].DeliverAt).TotalMilliseconds)];
        Last = groups.Count == 0 ? null : groups.Max(g => g.Min(x => x.Mail.ReceivedAt));
        First = groups.Count == 0 ? null : groups.Min(g => g.Min(x => x.Mail.ReceivedAt));
        LastAny = mails.Count == 0 ? null : mails.Max(m => m.ReceivedAt);
        Total = mails.Count;
    }

    public IReadOnlyList<double> LagsMs { get; }

    public int Lost { get; }

    public int Duplicates { get; }

    /// <summary>Accepted emails that are not these boards' deliveries (the owners' "delivered" notices).</summary>
    public int Others { get; }

    public int Total { get; }

    public DateTimeOffset? First { get; }

    public DateTimeOffset? Last { get; }

    public DateTimeOffset? LastAny { get; }

    public static async Task<Deliveries> ReadAsync(KudosStack stack, IReadOnlyList<CreatedBoard> boards, CancellationToken ct) =>
        new(boards, await stack.Smtp.GetMessagesAsync(ct));

    public static Deliveries Of(IReadOnlyList<CreatedBoard> boards, IReadOnlyList<ReceivedMail> mails) => new(boards, mails);

    public string Integrity => $"{Lost:N0} lost, {Duplicates:N0} duplicates";
}

using System.Diagnostics;
using System.Globalization;
using Kudos.Benchmarks.Support;
using Kudos.Testing;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Kudos.Benchmarks.Scenarios;

/// <summary>P2: every board due at the same instant; the product's email rate against MailKit's raw rate to the same server.</summary>
internal sealed class BurstThroughput : IScenario
{
    public string Title => "boards due at the same instant";

    public string Target => "≥ 40 % of raw MailKit over 1 connection, 0 lost, 0 duplicates";

    public async Task<ScenarioResult> RunAsync(Bench bench, CancellationToken ct)
    {
        var sizes = bench.Sizes;
        var n = sizes.P2Boards;
        await using var stack = await bench.StartStackAsync("bench-p2", 1, ct);
        // Every board must exist before the instant: size the lead from the creation rate measured so far.
        var rate = bench.CreationRate is > 0 and var measured ? measured : 100;
        var lead = TimeSpan.FromSeconds((n / rate * 1.4) + (bench.Options.Smoke ? 4 : 15));
        var instant = DateTimeOffset.UtcNow + lead;
        var created = await BoardLoad.CreateAsync(stack, 0, n, _ => instant, sizes.CreateConcurrency, ct);
        var createdBy = DateTimeOffset.UtcNow;
        var metrics = await SiloMetrics.ScrapeAsync(stack.SiloHttp(0), ct);
        var probe = await CpuProbe.CreateAsync(stack.ConnectionString, ct);
        var cpu = probe.Read();
        var pg = await PgStats.SnapshotAsync(stack.ConnectionString, ct);

        var deadline = instant + TimeSpan.FromSeconds(Math.Max(60, n / 20.0));
        var complete = await SmtpProgress.WaitForCountAsync(stack.Smtp, 2 * created.Boards.Count, deadline, ct);
        var cpuAfter = probe.Read();
        var pgAfter = await PgStats.SnapshotAsync(stack.ConnectionString, ct);
        var after = await SiloMetrics.ScrapeAsync(stack.SiloHttp(0), ct);
        var dispatches = await PgStats.DispatchStatusesAsync(stack.ConnectionString, ct);
        var mails = await stack.Smtp.GetMessagesAsync(ct);
        var deliveries = Deliveries.Of(created.Boards, mails);
        var cpuWindow = (DateTimeOffset.UtcNow - createdBy).TotalSeconds;

        var deliveredIn = (deliveries.Last ?? instant) - instant;
        var allIn = (deliveries.LastAny ?? instant) - instant;
        var deliveryRate = (created.Boards.Count - deliveries.Lost) / Math.Max(deliveredIn.TotalSeconds, 0.001);
        var emailRate = deliveries.Total / Math.Max(allIn.TotalSeconds, 0.001);

        // The limit, in the same run: the same bytes sent straight to the same server.
        var template = mails.FirstOrDefault(m => BoardLoad.IndexOf(m) is not null)?.Raw
            ?? throw new InvalidOperationException("no delivery email arrived: nothing to replay for the raw rate");
        var count = Math.Max(deliveries.Total, 100);
        var connections = int.Parse(bench.Environment.GetValueOrDefault("Smtp__MaxConnections", "4"), CultureInfo.InvariantCulture);
        var single = await RawRateAsync(stack.Smtp, template, count, 1, ct);
        var parallel = await RawRateAsync(stack.Smtp, template, count, connections, ct);
        var ratio = emailRate / parallel;
        var ratioSingle = emailRate / single;

        var met = ratioSingle >= 0.4 && deliveries.Lost == 0 && deliveries.Duplicates == 0;
        var result = new ScenarioResult(
            "P2",
            $"{n:N0} boards due at the same instant",
            bench.SettingsText,
            (deliveries.Lost == 0 ? $"all {created.Boards.Count:N0} deliveries" : $"{created.Boards.Count - deliveries.Lost:N0} of {created.Boards.Count:N0} deliveries (the rest not within the wait)") +
            $" in {deliveredIn.TotalSeconds:0.0} s ({deliveryRate:0} deliveries/s); with owner notices " +
            $"{deliveries.Total:N0} emails at {emailRate:0}/s; raw MailKit {single:0}/s (1 conn.), {parallel:0}/s ({connections} conn.); " +
            $"ratio {ratioSingle:P0} (1 conn.), {ratio:P0} ({connections} conn.); {deliveries.Integrity}" +
            (pgAfter.HasStatements ? $"; {(pgAfter.Calls - pg.Calls) / (double)Math.Max(created.Boards.Count, 1):0.0} SQL statements per delivered board (2 emails)" : ""),
            Target,
            bench.Options.Smoke ? "n/a" : met ? "met" : "missed");
        result.Details.Add($"- {created.Describe()}; the instant was set {lead.TotalSeconds:0} s ahead and creation ended {(instant - createdBy).TotalSeconds:0.0} s before it.");
        result.Details.Add($"- The product: the last delivery (recipient email) accepted {deliveredIn.TotalSeconds:0.0} s after the instant; every email including the owners' " +
            $"\"delivered\" notices ({deliveries.Others:N0}) the last at {allIn.TotalSeconds:0.0} s after it. The ratio compares every email the silo sent per second ({emailRate:0}/s) " +
            $"with raw MailKit over as many connections as the silo's pool ({parallel:0}/s); deliveries alone are {deliveryRate / parallel:P0} of it.");
        result.Details.Add($"- Raw MailKit: the first delivery email's exact bytes, {count:N0} times, to the same aiosmtpd server in the same run: one reused connection {single:0} msg/s; " +
            $"{connections} parallel connections {parallel:0} msg/s. This is the SMTP server's ceiling on this machine (single-threaded Python), not the product's.");
        var lags = deliveries.LagsMs.Order().ToList();
        result.Details.Add($"- Per-board lag (accepted − instant): {Stats.Summary(lags)}.");
        result.Details.Add($"- Silo histograms: `kudos.delivery.lag` (instant → board unlocked) {after.MeanSince(metrics, "kudos_delivery_lag")}; " +
            $"`kudos.email.send.duration` (queue wait + SMTP) {after.MeanSince(metrics, "kudos_email_send_duration")}.");
        result.Details.Add($"- Orleans requests that timed out (`orleans_app_requests_timedout_total` by grain type; `sys.svc.user.*` is a grain service — the reminder service): " +
            $"{after.ByLabel("orleans_app_requests_timedout_total", "grain_type")}. Mean activation time by grain type: {ActivationMeans(after)}.");
        if (dispatches is not null)
        {
            result.Details.Add($"- Afterwards in the database: dispatches by status {dispatches}.");
        }

        result.Details.Add($"- CPU from creation's end to the end of the wait ({cpuWindow:0} s of wall time; the machine has {Environment.ProcessorCount} cores = {Environment.ProcessorCount * 100} %): " +
            CpuProbe.Describe(cpu, cpuAfter, cpuWindow) + ".");
        if (pg.HasStatements && created.Boards.Count > 0)
        {
            result.Details.Add($"- Database work (pg_stat_statements, same window): {pgAfter.Calls - pg.Calls:N0} statements = {(pgAfter.Calls - pg.Calls) / (double)created.Boards.Count:0.0} per delivered board " +
                $"(its delivery email and its owner notice); {(pgAfter.Transactions - pg.Transactions) / (double)created.Boards.Count:0.0} transactions per board. Top statements by calls:");
            foreach (var (delta, query) in PgStats.Top(pg, pgAfter, 8))
            {
                result.Details.Add($"  - {delta.Calls:N0} calls ({delta.Calls / (double)created.Boards.Count:0.0}/board), mean {delta.TotalMs / Math.Max(delta.Calls, 1):0.00} ms, total {delta.TotalMs / 1000:0.0} s: `{PgStats.Short(query)}`");
            }
        }

        result.Details.AddRange(await LogSummary.SaveAndSummarizeAsync(stack, "BurstThroughput", ct));
        if (!complete)
        {
            result.Details.Add($"- The wait ended at its deadline ({(deadline - instant).TotalSeconds:0} s after the instant) with {deliveries.Total:N0} of {2 * created.Boards.Count:N0} emails.");
        }

        return result;
    }

    private static string ActivationMeans(SiloMetrics metrics) =>
        metrics.MeanByLabel("orleans_catalog_activation_latency_milliseconds", "grain_type", ["board", "emaildispatch", "suppression"]);

    private static async Task<double> RawRateAsync(SmtpTestServer smtp, string raw, int count, int connections, CancellationToken ct)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(raw);
        var sender = new MailboxAddress("", "kudos@kudos.test");
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async c =>
        {
            // One parsed copy per connection: sending prepares (mutates) the message.
            using var stream = new MemoryStream(bytes);
            var message = await MimeMessage.LoadAsync(stream, ct);
            using var client = new SmtpClient();

            // Nagle off, as the product's connections: otherwise a message larger than a segment waits ~40 ms for a delayed ACK.
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync("127.0.0.1", smtp.SmtpPort, ct);
            await client.ConnectAsync(socket, "127.0.0.1", smtp.SmtpPort, SecureSocketOptions.None, ct);
            for (var i = c; i < count; i += connections)
            {
                await client.SendAsync(message, sender, [new MailboxAddress("", $"raw{i}@raw.test")], ct);
            }

            await client.DisconnectAsync(true, ct);
        }));
        return count / clock.Elapsed.TotalSeconds;
    }
}

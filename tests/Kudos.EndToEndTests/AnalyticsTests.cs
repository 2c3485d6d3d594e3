using System.Net;
using System.Text.Json;
using Kudos.EndToEndTests.Infrastructure;
using Kudos.Grains.Email;
using Kudos.Testing;
using Xunit;

namespace Kudos.EndToEndTests;

public sealed record StatsRowDto(string Date, string EmailType, string Tenant, long Sent, long Delivered, long Opened, long Clicked, long Bounced, long Complained, long Failed, long Suppressed);

public sealed record EmailHealthDto(int Pending, int Sending, int Held, int FailedLast24Hours, TimeSpan? OldestPendingAge, DateTimeOffset? LastActivity, double? AverageAttemptsToSend, long ResendsAfterUnknownOutcome, bool BacklogAlert);

/// <summary>Its own two-silo stack: analytics stay exact across silos; the backlog alert fires once and recovers once.</summary>
public sealed class AnalyticsTests(ITestOutputHelper output)
{
    [Fact(Timeout = 300_000)]
    public async Task Analytics_after_a_mixed_run_on_two_silos_and_one_backlog_alert_with_its_recovery()
    {
        var ct = TestContext.Current.CancellationToken;
        using var alerts = new AlertListener();
        await using var stack = await KudosStack.StartClusterAsync("analytics", 2, ct, new Dictionary<string, string>
        {
            ["Admin__Key"] = StackFixture.AdminKey,
            ["Webhooks__EmailEvents__Secrets__0"] = StackFixture.WebhookSecret,
            ["Email__Alerts__PendingThreshold"] = "20",
            ["Email__Alerts__CheckInterval"] = "00:00:01",
            ["Email__Alerts__WebhookUrl"] = alerts.Url,
        });
        await using var grains = await GrainClient.ConnectAsync(stack, ct);
        var tenant = $"tenant-{Guid.NewGuid():N}";
        var failing = TestAddresses.Unique("refused");
        var suppressed = TestAddresses.Unique("suppressed");
        await stack.Smtp.AddFaultAsync(new SmtpFault(failing, Stage: "rcpt", Code: 550, Message: "5.7.1 Rejected by policy"), ct);
        await grains.Client.GetGrain<ISuppressionGrain>(suppressed).AddAsync(SuppressionReason.Manual, null, "test");

        // 30 messages due together: a backlog above the threshold of 20, which then drains.
        var due = DateTimeOffset.UtcNow.AddSeconds(6);
        var recipients = Enumerable.Range(0, 28).Select(i => TestAddresses.Unique($"ok{i}")).Append(failing).Append(suppressed).ToList();
        var views = await Task.WhenAll(recipients.Select((to, i) => grains.Client.GetGrain<IEmailDispatchGrain>($"test-analytics/{tenant}/{i:00}").EnqueueAsync(
            new EmailMessage([new Mailbox("", to)], "Stats", "<p>s</p>", "s", EmailTypes.Invitation, null, ScheduledFor: due, TenantId: tenant))));
        Assert.Equal(DispatchStatus.Suppressed, views[^1].Status);

        var backlog = await alerts.WaitAsync(1, TimeSpan.FromSeconds(30), ct);
        Assert.True(backlog.Count >= 1, $"No backlog alert was posted.\n{stack.Logs}");
        Assert.Equal("backlog", backlog[0].GetProperty("state").GetString());
        using (var ready = await stack.Http.GetAsync("/health/ready", ct))
        {
            var body = await ready.Content.ReadAsStringAsync(ct);
            output.WriteLine($"readiness during the backlog: {(int)ready.StatusCode} {body}");
            Assert.Contains("Degraded", body, StringComparison.Ordinal);
        }

        Assert.Equal(28, (await stack.Smtp.WaitForMessagesAsync(28, TimeSpan.FromSeconds(60), null, ct)).Count);
        var recovered = await alerts.WaitAsync(2, TimeSpan.FromSeconds(30), ct);
        Assert.Equal(["backlog", "recovered"], recovered.Select(a => a.GetProperty("state").GetString()));

        // Provider events for two of the sent messages, each delivered twice by the provider.
        var sent = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => grains.Client.GetGrain<IEmailDispatchGrain>($"test-analytics/{tenant}/{i:00}").GetAsync()));
        foreach (var (dispatch, i) in sent.Select((d, i) => (d, i)))
        {
            foreach (var type in new[] { "email.delivered", "email.opened" })
            {
                var id = $"{tenant}-{i}-{type}";
                for (var copy = 0; copy < 2; copy++)
                {
                    using var response = await Provider.PostAsync(stack, id, Provider.Event(type, dispatch.ProviderMessageId!, recipients[i], DateTimeOffset.UtcNow), StackFixture.WebhookSecret, ct);
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                }
            }
        }

        var today = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        // Each event is announced once applied, and a dispatch applies an event only after analytics counted it.
        foreach (var id in Enumerable.Range(0, 2).SelectMany(i => new[] { $"{tenant}-{i}-email.delivered", $"{tenant}-{i}-email.opened" }))
        {
            Assert.True(await Provider.WaitProcessedAsync(stack, id, TimeSpan.FromSeconds(20), ct), $"Event {id} was not processed.\n{stack.Logs}");
        }

        StatsRowDto? row;
        using (var response = await stack.Http.SendAsync(stack.Request(HttpMethod.Get, $"/api/admin/analytics?from={today}&to={today}&type=invitation", StackFixture.AdminKey), ct))
        {
            row = (await Api.ReadAsync<List<StatsRowDto>>(response, HttpStatusCode.OK, ct)).SingleOrDefault(r => r.Tenant == tenant);
        }

        Assert.NotNull(row);
        Assert.Equal((28L, 2L, 2L, 0L, 1L, 1L), (row.Sent, row.Delivered, row.Opened, row.Bounced, row.Failed, row.Suppressed));

        using var health = await stack.Http.SendAsync(stack.Request(HttpMethod.Get, "/api/admin/email-health", StackFixture.AdminKey), ct);
        var figures = await Api.ReadAsync<EmailHealthDto>(health, HttpStatusCode.OK, ct);
        output.WriteLine($"health: {JsonSerializer.Serialize(figures)}");
        Assert.Equal(0, figures.Pending);
        Assert.Equal(1, figures.FailedLast24Hours);
        Assert.Equal(1.0, figures.AverageAttemptsToSend);
        Assert.False(figures.BacklogAlert);
        Assert.Equal(2, alerts.Received.Count);
    }
}

using Kudos.Grains.Email;
using Xunit;

namespace Kudos.GrainTests;

/// <summary>Retention in a silo, on a fake clock: a dispatch drops its own provider events once they are older than the retention.</summary>
public sealed class RetentionTests(FakeClockGrainCluster cluster) : IClassFixture<FakeClockGrainCluster>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Past_the_retention_a_dispatch_drops_its_old_events_when_the_next_one_arrives()
    {
        var to = $"kept-{Guid.NewGuid():N}@example.test";
        var dispatch = cluster.Grains.GetGrain<IEmailDispatchGrain>($"grain-tests/{Guid.NewGuid():N}");
        var id = dispatch.GetPrimaryKeyString();
        await dispatch.EnqueueAsync(new EmailMessage([new Mailbox("", to)], "Kept", "<p>k</p>", "k", EmailTypes.Delivery, "retention"));
        Assert.Equal(SendOutcome.Sent, (await cluster.Transport.Answers(id).ReadAsync(Ct)).Outcome);

        async Task<IReadOnlyList<string>> ApplyAsync(string type)
        {
            var webhookId = $"{type}-{Guid.NewGuid():N}";
            await dispatch.ApplyProviderEventAsync(new ProviderEvent(webhookId, type, cluster.Clock.GetUtcNow(), null, null, to, null));
            return [.. ((await dispatch.GetDetailsAsync()).Events ?? []).Select(e => e.Type)];
        }

        Assert.Equal(["email.delivered"], await ApplyAsync("email.delivered"));
        Assert.Equal(["email.delivered", "email.opened"], await ApplyAsync("email.opened"));

        // One second short of the retention, nothing is old enough to go.
        cluster.Clock.Advance(FakeClockGrainCluster.EventRetention - TimeSpan.FromSeconds(1));
        Assert.Equal(["email.delivered", "email.opened", "email.clicked"], await ApplyAsync("email.clicked"));

        // Two seconds later the first two are past it; the recent click stays.
        cluster.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(["email.clicked", "email.clicked"], await ApplyAsync("email.clicked"));
        var details = await dispatch.GetDetailsAsync();
        Assert.True(details.Dispatch.Clicks == 2, $"Dispatch {id}: expected 2 clicks counted, was {details.Dispatch.Clicks}.");
        Assert.Equal(DispatchStatus.Delivered, details.Dispatch.Status);
    }
}

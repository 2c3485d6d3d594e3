using Kudos.EndToEndTests.Infrastructure;
using Kudos.Testing;
using Xunit;

namespace Kudos.EndToEndTests;

/// <summary>Its own stack: it kills and restarts the silo.</summary>
public sealed class DurabilityTests(ITestOutputHelper output)
{
    [Fact(Timeout = 240_000)]
    public async Task A_board_due_while_the_silo_is_down_is_delivered_once_after_it_restarts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stack = await KudosStack.StartAsync("durable", ct);
        var recipient = Addresses.Unique("durable");
        var deliverAt = DateTimeOffset.UtcNow.AddSeconds(5);
        var board = await stack.CreateBoardAsync(Api.NewBoard(recipient, deliverAt), ct);
        await stack.AddCardAsync(board, "Margaret", "You got us to the moon.", ct);

        // A crash, not a goodbye: the reminder lives only in PostgreSQL now.
        await stack.StopSiloAsync(kill: true);
        var none = await Mail.ForAsync(stack, recipient, 1, (deliverAt - DateTimeOffset.UtcNow) + TimeSpan.FromSeconds(2), ct);
        Assert.Empty(none);

        var restarted = DateTimeOffset.UtcNow;
        await stack.StartSiloAsync(ct);
        var mails = await Mail.ForAsync(stack, recipient, 1, TimeSpan.FromSeconds(60), ct);
        Assert.True(mails.Count == 1, $"Board {board.Id} was not delivered after the restart.\n{stack.Logs}");
        output.WriteLine($"silo restarted {restarted:O}; email accepted {mails[0].ReceivedAt:O} ({(mails[0].ReceivedAt - restarted).TotalSeconds:0.0} s later)");

        var again = await Mail.ForAsync(stack, recipient, 2, KudosStack.ReminderPeriod * 3, ct);
        Assert.Single(again);
    }
}

using System.Text.RegularExpressions;
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
        var recipient = TestAddresses.Unique("durable");
        // Time to create the board and post its card before the instant, even on a busy machine.
        var deliverAt = DateTimeOffset.UtcNow.AddSeconds(10);
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

    [Fact(Timeout = 240_000)]
    public async Task A_silo_restart_in_the_middle_of_a_backoff_loses_no_retry()
    {
        var ct = TestContext.Current.CancellationToken;
        // A backoff long enough to kill the silo inside it: only the durable reminder can bring the retry back.
        await using var stack = await KudosStack.StartAsync("backoff", ct, new Dictionary<string, string>
        {
            ["Email__Retry__BaseDelay"] = "00:00:06",
            ["Email__Retry__Jitter"] = "0",
            ["Admin__Key"] = StackFixture.AdminKey,
        });
        var recipient = TestAddresses.Unique("retry");
        await stack.Smtp.AddFaultAsync(new SmtpFault(recipient, Stage: "rcpt", Code: 451, Message: "4.3.0 Try again later", Times: 1), ct);
        var board = await stack.CreateBoardAsync(Api.NewBoard(recipient, deliverAt: null), ct);
        using (var deliver = await stack.Http.SendAsync(stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/deliver?confirmFewCards=true", board.OwnerKey), ct))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, deliver.StatusCode);
        }

        var id = AdminCalls.DeliveryId(board.Id);
        await stack.WaitForSiloLineAsync(new Regex($@"Dispatch {Regex.Escape(id)} attempt 1/\d+ failed, retrying at ", RegexOptions.CultureInvariant), TimeSpan.FromSeconds(20), ct);
        var waiting = await stack.DispatchAsync(id, ct);
        Assert.Equal(1, waiting.Dispatch.Attempts);
        Assert.True(waiting.Dispatch.Status == "Pending", $"Expected a retry pending after the 451, was {waiting.Dispatch.Status}.\n{stack.Logs}");

        await stack.StopSiloAsync(kill: true);
        await stack.StartSiloAsync(ct);

        var mails = await Mail.ForAsync(stack, recipient, 1, TimeSpan.FromSeconds(60), ct);
        Assert.True(mails.Count == 1, $"The retry of board {board.Id} was lost with the silo.\n{stack.Logs}");
        var details = await stack.DispatchAsync(AdminCalls.DeliveryId(board.Id), ct);
        Assert.Equal(["transient", "sent"], details.Attempts.Select(a => a.Outcome));
        output.WriteLine($"retry sent {(details.Attempts[1].StartedAt - details.Attempts[0].EndedAt!.Value).TotalSeconds:0.0} s after the failed attempt (backoff 6 s)");
    }

    [Fact(Timeout = 180_000)]
    public async Task An_unreachable_database_is_a_503_problem_and_service_resumes_when_it_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stack = await KudosStack.StartAsync("dbdown", ct);
        var database = new Npgsql.NpgsqlConnectionStringBuilder(stack.ConnectionString).Database!;
        async Task AdminSqlAsync(string sql)
        {
            await using var connection = new Npgsql.NpgsqlConnection(TestPostgres.AdminConnectionString);
            await connection.OpenAsync(ct);
            await using var command = new Npgsql.NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(ct);
        }

        // A message falls due in the middle of the outage: its attempt fails part-way and must be retried afterwards.
        await using var grains = await GrainClient.ConnectAsync(stack, ct);
        var recipient = TestAddresses.Unique("during-outage");
        var dueDuringOutage = $"test-outage/{Guid.NewGuid():N}";
        await grains.Client.GetGrain<Kudos.Grains.Email.IEmailDispatchGrain>(dueDuringOutage).EnqueueAsync(new Kudos.Grains.Email.EmailMessage(
            [new Kudos.Grains.Email.Mailbox("", recipient)], "Due during the outage", "<p>x</p>", "x", Kudos.Grains.Email.EmailTypes.OwnerNotice, null, ScheduledFor: DateTimeOffset.UtcNow.AddSeconds(2)));

        await AdminSqlAsync($"ALTER DATABASE \"{database}\" WITH ALLOW_CONNECTIONS false; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}';");
        try
        {
            using var refused = await stack.Http.SendAsync(stack.Request(HttpMethod.Post, "/api/boards", json: Api.NewBoard(TestAddresses.Unique("down"), DateTimeOffset.UtcNow.AddDays(1))), ct);
            if (refused.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable)
            {
                output.WriteLine(stack.Logs);
            }

            var problem = await Api.ProblemAsync(refused, System.Net.HttpStatusCode.ServiceUnavailable, ct);
            output.WriteLine($"database down: {problem.Code}: {problem.Detail}");
        }
        finally
        {
            // Past the message's due time: the silo announces its timer's attempt failing before the database returns.
            var failed = await stack.WaitForSiloLineAsync(
                new Regex($"Dispatch {Regex.Escape(dueDuringOutage)} attempt could not run", RegexOptions.CultureInvariant), TimeSpan.FromSeconds(20), ct);
            output.WriteLine($"during the outage: {failed ?? "no failed attempt announced"}");
            await AdminSqlAsync($"ALTER DATABASE \"{database}\" WITH ALLOW_CONNECTIONS true;");
        }

        var outage = await Mail.ForAsync(stack, recipient, 1, TimeSpan.FromSeconds(40), ct);
        Assert.True(outage.Count == 1, $"The message due during the outage was never sent.\n{stack.Logs}");

        // Stale pooled connections fail one request each after the outage, and nothing announces the last one gone.
        var created = await Unsignalled.RepeatUntilAsync(
            async () =>
            {
                using var response = await stack.Http.SendAsync(stack.Request(HttpMethod.Post, "/api/boards", json: Api.NewBoard(TestAddresses.Unique("back"), DateTimeOffset.UtcNow.AddDays(1))), ct);
                return response.StatusCode;
            },
            status => status == System.Net.HttpStatusCode.Created,
            TimeSpan.FromMilliseconds(200),
            TimeSpan.FromSeconds(30),
            ct);
        Assert.True(created == System.Net.HttpStatusCode.Created, $"The service did not resume after the database returned ({created}).\n{stack.Logs}");
    }
}

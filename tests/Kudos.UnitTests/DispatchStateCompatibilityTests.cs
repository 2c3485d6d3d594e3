using System.Text.Json;
using Kudos.Grains.Email;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Kudos.UnitTests;

/// <summary>Dispatch rows written before the Dispatch type existed still load and carry on (the state's JSON is unchanged).</summary>
public sealed class DispatchStateCompatibilityTests
{
    // A row as the previous EmailDispatchGrain stored it (System.Text.Json, property names as declared): a delivery that
    // was cut short mid-send after a transient failure, with one provider event already applied.
    private const string StoredRow = """
        {
          "Status": 2,
          "Message": {
            "To": [{ "Name": "Ada", "Address": "ada@example.com" }],
            "Subject": "Your kudos board",
            "HtmlBody": "<p>hi</p>",
            "TextBody": "hi",
            "EmailType": "delivery",
            "CorrelationId": "b1",
            "Cc": null,
            "Bcc": null,
            "Headers": [{ "Name": "X-Kudos", "Value": "1" }],
            "Priority": 2,
            "ScheduledFor": null,
            "MaxAttempts": null,
            "TenantId": null,
            "OutcomeBoardId": "0f8fad5b-d9cb-469f-a165-70867728950e"
          },
          "MessageId": "5c1f0e4b6a3d2c1b0a9f8e7d6c5b4a39@kudos.example",
          "Attempts": 2,
          "EnqueuedAt": "2026-11-23T12:00:00+00:00",
          "LastAttemptAt": "2026-11-23T12:00:10+00:00",
          "NextAttemptAt": "2026-11-23T12:00:10+00:00",
          "SentAt": null,
          "FinishedAt": null,
          "ServerReply": "451 4.3.0 try later",
          "ProviderMessageId": null,
          "LastError": "busy",
          "Released": false,
          "ReportedStatus": 0,
          "History": [
            { "Number": 1, "StartedAt": "2026-11-23T12:00:00+00:00", "EndedAt": "2026-11-23T12:00:01+00:00", "Outcome": "transient", "ServerReply": "451 4.3.0 try later", "Error": "busy" },
            { "Number": 2, "StartedAt": "2026-11-23T12:00:10+00:00", "EndedAt": null, "Outcome": "", "ServerReply": null, "Error": null }
          ],
          "Events": [{ "WebhookId": "wh0", "Type": "email.delivery_delayed", "OccurredAt": "2026-11-23T12:00:05+00:00", "ReceivedAt": "2026-11-23T12:00:06+00:00", "Detail": null }],
          "AppliedEventIds": ["wh0"],
          "Opens": 0,
          "Clicks": 0
        }
        """;

    [Fact]
    public void A_row_stored_mid_send_by_the_previous_grain_loads_and_is_resent_with_its_message_id()
    {
        var state = JsonSerializer.Deserialize<DispatchState>(StoredRow)!;
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 5, 0, TimeSpan.Zero));
        var dispatch = new Dispatch("board-delivery/b1", state, new EmailOptions(), clock);

        Assert.Equal(DispatchStatus.Sending, dispatch.Status);
        dispatch.MarkOutcomeUnknown();
        var retry = Assert.IsType<OutgoingEmail>(dispatch.BeginAttempt(new Dictionary<string, SuppressionView>()).Send);

        Assert.Equal("5c1f0e4b6a3d2c1b0a9f8e7d6c5b4a39@kudos.example", retry.MessageId);
        Assert.Equal("X-Kudos", Assert.Single(retry.Message.Headers!).Name);
        Assert.Equal(["transient", "unknown", ""], state.History.Select(a => a.Outcome));
        Assert.Equal(3, dispatch.View().Attempts);
        Assert.Same(DispatchDecision.Nothing, dispatch.ApplyProviderEvent(new ProviderEvent("wh0", "email.delivered", clock.GetUtcNow(), null, null, null, null)));

        // And what the new code writes reads back the same way.
        var again = JsonSerializer.Deserialize<DispatchState>(JsonSerializer.Serialize(state))!;
        Assert.Equal(JsonSerializer.Serialize(state), JsonSerializer.Serialize(again));
    }
}

using Kudos.Grains;
using Kudos.Grains.Boards;
using Kudos.Grains.Security;
using Xunit;

namespace Kudos.UnitTests;

public sealed class RequestLogTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static IdempotentRequest Request(string id = "a1", string fingerprint = "f1", params string[] keys) => new(id, fingerprint, keys);

    private static CreateBoard Command(DateTimeOffset? deliverAt) => new("Thanks", "Ada", "ada@example.com", "Grace", "grace@example.com", deliverAt, "UTC");

    [Fact]
    public void A_request_without_a_key_is_never_a_replay_and_leaves_no_record()
    {
        var state = new BoardState();
        Assert.False(RequestLog.IsReplay(state, null, Now));
        RequestLog.Record(state, null, Now);
        Assert.Empty(state.Requests);
    }

    [Fact]
    public void The_same_request_within_a_day_is_a_replay()
    {
        var state = new BoardState();
        Assert.False(RequestLog.IsReplay(state, Request(), Now));
        RequestLog.Record(state, Request(), Now);
        Assert.True(RequestLog.IsReplay(state, Request(), Now + TimeSpan.FromHours(23)));
    }

    [Fact]
    public void The_same_key_with_other_content_is_refused_as_unprocessable()
    {
        var state = new BoardState();
        RequestLog.Record(state, Request(), Now);
        var error = Assert.Throws<KudosException>(() => RequestLog.IsReplay(state, Request(fingerprint: "f2"), Now));
        Assert.Equal(KudosErrorKind.Unprocessable, error.Kind);
        Assert.Equal("idempotency_key_reused", error.Code);
    }

    [Fact]
    public void A_key_is_forgotten_after_the_retention()
    {
        var state = new BoardState();
        RequestLog.Record(state, Request(), Now);
        Assert.False(RequestLog.IsReplay(state, Request(), Now + RequestLog.Retention + TimeSpan.FromSeconds(1)));
        Assert.Empty(state.Requests);
    }

    [Fact]
    public void The_record_count_is_bounded_and_the_oldest_go_first()
    {
        var state = new BoardState();
        for (var i = 0; i <= RequestLog.MaxRecords; i++)
        {
            RequestLog.Record(state, Request(id: $"r{i}"), Now);
        }

        Assert.Equal(RequestLog.MaxRecords, state.Requests.Count);
        Assert.DoesNotContain(state.Requests, r => r.Id == "r0");
        Assert.Contains(state.Requests, r => r.Id == $"r{RequestLog.MaxRecords}");
    }

    [Fact]
    public void A_repeated_creation_answers_the_first_response_with_the_derived_keys()
    {
        var id = Guid.NewGuid();
        var state = new BoardState();
        var deliverAt = Now.AddDays(2).ToOffset(TimeSpan.FromHours(2));
        var request = Request(keys: [CapabilityKeys.New(), CapabilityKeys.New()]);
        var (ownerKey, contributeKey) = BoardRules.Create(state, Command(deliverAt), Now, request.Keys);
        state.CreationFingerprint = request.Fingerprint;
        Assert.Equal((request.Keys[0], request.Keys[1]), (ownerKey, contributeKey));
        Assert.True(CapabilityKeys.Matches(ownerKey, state.OwnerKeyHash));

        var replay = RequestLog.ReplayCreation(id, state, Command(deliverAt), request);
        Assert.Equal(new BoardCreated(id, ownerKey, contributeKey, BoardStatus.Scheduled, deliverAt.ToUniversalTime()), replay);
        Assert.Null(RequestLog.ReplayCreation(id, state, Command(deliverAt), null));
        Assert.Throws<KudosException>(() => RequestLog.ReplayCreation(id, state, Command(deliverAt), request with { Fingerprint = "other" }));
    }

    [Fact]
    public void A_board_created_without_a_key_is_never_answered_as_a_replay()
    {
        var state = new BoardState();
        BoardRules.Create(state, Command(null), Now);
        Assert.Null(RequestLog.ReplayCreation(Guid.NewGuid(), state, Command(null), Request(keys: ["a", "b"])));
    }
}

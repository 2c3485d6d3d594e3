using System.Net;
using Kudos.EndToEndTests.Infrastructure;
using Kudos.Testing;
using Xunit;

namespace Kudos.EndToEndTests;

[Collection(StackCollection.Name)]
public sealed class SmtpFailureTests(StackFixture fixture)
{
    private KudosStack Stack => fixture.Stack;

    [Fact(Timeout = 120_000)]
    public async Task A_refused_first_attempt_is_retried_and_the_email_arrives()
    {
        var ct = TestContext.Current.CancellationToken;
        var recipient = TestAddresses.Unique("busy");
        await Stack.Smtp.AddFaultAsync(new SmtpFault(recipient, Stage: "rcpt", Code: 451, Message: "4.3.0 Try again later", Times: 2), ct);

        var board = await Stack.CreateBoardAsync(Api.NewBoard(recipient, deliverAt: null), ct);
        using var deliver = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/deliver?confirmFewCards=true", board.OwnerKey), ct);
        Assert.Equal(HttpStatusCode.OK, deliver.StatusCode);

        var mails = await Mail.ForAsync(Stack, recipient, 1, TimeSpan.FromSeconds(30), ct);
        Assert.True(mails.Count == 1, $"The email to {recipient} was not retried to success.\n{Stack.Logs}");

        var view = await Stack.OwnerViewOnceDeliveryIsAsync(board, "Sent", TimeSpan.FromSeconds(10), ct);
        Assert.Equal("Sent", view.Delivery?.Status);
        Assert.Equal(3, view.Delivery?.Attempts);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_permanent_refusal_fails_the_dispatch_and_the_owner_sees_the_reply()
    {
        var ct = TestContext.Current.CancellationToken;
        var recipient = TestAddresses.Unique("unknown");
        await Stack.Smtp.AddFaultAsync(new SmtpFault(recipient, Stage: "rcpt", Code: 550, Message: "5.1.1 No such user here"), ct);

        var board = await Stack.CreateBoardAsync(Api.NewBoard(recipient, deliverAt: null), ct);
        using var deliver = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/deliver?confirmFewCards=true", board.OwnerKey), ct);
        Assert.Equal(HttpStatusCode.OK, deliver.StatusCode);

        var view = await Stack.OwnerViewOnceDeliveryIsAsync(board, "Failed", TimeSpan.FromSeconds(20), ct);
        Assert.True(view.Delivery?.Status == "Failed", $"Board {board.Id}: expected the delivery Failed, was {view.Delivery?.Status}.\n{Stack.Logs}");
        Assert.Equal(1, view.Delivery?.Attempts);
        Assert.Contains("550", view.Delivery?.ServerReply, StringComparison.Ordinal);
        Assert.Contains("No such user", view.Delivery?.LastError, StringComparison.Ordinal);
        Assert.Empty(await Stack.Smtp.WaitForMessagesAsync(1, TimeSpan.Zero, recipient, ct));
    }
}

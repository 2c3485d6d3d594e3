using Kudos.Grains;
using Xunit;

namespace Kudos.UnitTests;

public sealed class ActivationEndingSignalTests
{
    [Fact]
    public void A_token_handed_out_before_the_end_is_cancelled_by_it()
    {
        var signal = new ActivationEnding.Signal();
        var token = signal.Token;
        Assert.False(token.IsCancellationRequested);
        Assert.Equal(token, signal.Token);

        signal.End();

        Assert.True(token.IsCancellationRequested);
    }

    [Fact]
    public void A_token_asked_for_after_the_end_is_already_cancelled()
    {
        var signal = new ActivationEnding.Signal();
        signal.End();
        signal.End();

        Assert.True(signal.Token.IsCancellationRequested);
    }

    [Fact]
    public void Without_an_end_nothing_is_cancelled()
    {
        var signal = new ActivationEnding.Signal();

        Assert.False(signal.Token.IsCancellationRequested);
        Assert.True(signal.Token.CanBeCanceled);
    }
}

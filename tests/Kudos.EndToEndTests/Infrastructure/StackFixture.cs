using Kudos.Testing;
using Xunit;

namespace Kudos.EndToEndTests.Infrastructure;

/// <summary>One running stack shared by the tests of the <see cref="StackCollection"/>; each test uses its own boards and addresses.</summary>
public sealed class StackFixture : IAsyncLifetime
{
    private KudosStack? _stack;

    public KudosStack Stack => _stack ?? throw new InvalidOperationException("The stack did not start.");

    public async ValueTask InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        _stack = await KudosStack.StartAsync("e2e", cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<StackFixture>
{
    public const string Name = "stack";
}

/// <summary>Unique recipient addresses, so tests sharing one SMTP server never see each other's mail.</summary>
public static class Addresses
{
    public static string Unique(string who) => $"{who}-{Guid.NewGuid():N}@example.test";
}

/// <summary>Repeats a read until it satisfies a condition, for states no event announces (e.g. a dispatch's final status).</summary>
public static class Eventually
{
    public static async Task<T> MatchAsync<T>(Func<Task<T>> read, Func<T, bool> condition, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (condition(value) || DateTimeOffset.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }
}

/// <summary>Reads the long-poll result for one recipient: returns once the expected count arrived or the wait ended.</summary>
public static class Mail
{
    public static Task<IReadOnlyList<ReceivedMail>> ForAsync(KudosStack stack, string to, int count, TimeSpan wait, CancellationToken ct) =>
        stack.Smtp.WaitForMessagesAsync(count, wait, to, ct);
}

using Kudos.Testing;
using Xunit;

namespace Kudos.EndToEndTests.Infrastructure;

/// <summary>One running stack shared by the tests of the <see cref="StackCollection"/>; each test uses its own boards and addresses.</summary>
public sealed class StackFixture : IAsyncLifetime
{
    /// <summary>The admin key of the shared stack.</summary>
    public const string AdminKey = "e2e-admin-key-0f3c9a";

    /// <summary>Only these recipients are allowed, as with a provider in sandbox; anything else is held.</summary>
    public const string AllowedDomain = "@example.test";

    /// <summary>The provider's signing secrets: the current one and the one rotated in.</summary>
    public const string WebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    public const string RotatedWebhookSecret = "whsec_dGhlIG5ldyBzZWNyZXQgYWZ0ZXIgcm90YXRpb24=";

    // Declared before Settings: static initializers run in textual order.
    /// <summary>How long before delivery invitees are reminded, shortened so tests can wait for it.</summary>
    public static readonly TimeSpan InviteReminderLead = TimeSpan.FromSeconds(5);

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Admin__Key"] = AdminKey,
        ["ApiDocs__Enabled"] = "true",
        ["Email__AllowedRecipients__0"] = AllowedDomain,
        ["Email__AllowedRecipients__1"] = "@kudos.test",
        ["Email__UnsubscribeMailbox"] = "unsubscribe@kudos.test",
        ["Kudos__InviteReminderLead"] = InviteReminderLead.ToString(),
        ["Webhooks__EmailEvents__Secrets__0"] = WebhookSecret,
        ["Webhooks__EmailEvents__Secrets__1"] = RotatedWebhookSecret,
    };

    private KudosStack? _stack;

    public KudosStack Stack => _stack ?? throw new InvalidOperationException("The stack did not start.");

    public async ValueTask InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        _stack = await KudosStack.StartAsync("e2e", cts.Token, Settings);
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
public static class TestAddresses
{
    public static string Unique(string who) => $"{who}-{Guid.NewGuid():N}@example.test";
}

/// <summary>Reads the long-poll result for one recipient: returns once the expected count arrived or the wait ended.</summary>
public static class Mail
{
    public static Task<IReadOnlyList<ReceivedMail>> ForAsync(KudosStack stack, string to, int count, TimeSpan wait, CancellationToken ct) =>
        stack.Smtp.WaitForMessagesAsync(count, wait, to, ct);
}

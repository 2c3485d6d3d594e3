using Kudos.Grains.Boards;
using Kudos.Grains.Email;
using Xunit;

namespace Kudos.UnitTests;

public sealed class DeliveryEmailTests
{
    private static BoardState Board() => new()
    {
        Title = "<script>alert(1)</script> & co",
        RecipientName = "Ada \"<b>\" Lovelace",
        RecipientEmail = "ada@example.com",
        OwnerName = "Grace",
        TimeZone = "Europe/Paris",
        DeliverAt = new DateTimeOffset(2026, 12, 24, 17, 0, 0, TimeSpan.Zero),
        DeliveredAt = new DateTimeOffset(2026, 12, 24, 17, 0, 0, TimeSpan.Zero),
    };

    private static readonly CardState[] Cards =
    [
        new() { AuthorName = "Alan", CreatedAt = DateTimeOffset.UnixEpoch },
        new() { AuthorName = "Alan", CreatedAt = DateTimeOffset.UnixEpoch.AddMinutes(1) },
        new() { AuthorName = "Kate", CreatedAt = DateTimeOffset.UnixEpoch.AddMinutes(2) },
    ];

    [Fact]
    public void The_link_carries_the_key_in_the_fragment()
    {
        var id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        Assert.Equal("https://kudos.example/app/b/0f8fad5bd9cb469fa16570867728950e#k=KEY", DeliveryEmail.RecipientUrl(new Uri("https://kudos.example/app/"), id, "KEY"));
        Assert.Equal("http://127.0.0.1:5080/b/0f8fad5bd9cb469fa16570867728950e#k=KEY", DeliveryEmail.RecipientUrl(new Uri("http://127.0.0.1:5080"), id, "KEY"));
    }

    [Fact]
    public void Every_user_string_is_escaped_in_the_html_and_the_subject_names_the_recipient()
    {
        var email = DeliveryEmail.Compose(Guid.NewGuid(), Board(), Cards, "https://kudos.example/b/x#k=y&z");
        Assert.StartsWith("Ada \"<b>\" Lovelace, your kudos board", email.Subject, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", email.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("k=y&amp;z", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Hi Ada \"<b>\" Lovelace,", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("Alan and Kate wrote 3 cards for you", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("gathered by Grace", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("Thursday 24 December 2026 at 18:00 (Europe/Paris)", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("\nhttps://kudos.example/b/x#k=y&z\n", email.TextBody, StringComparison.Ordinal);
        Assert.Equal("ada@example.com", Assert.Single(email.To).Address);
        Assert.Equal(EmailPriorities.Delivery, email.Priority);
    }

    [Fact]
    public void The_owners_note_is_quoted_in_both_parts()
    {
        var board = Board();
        board.NoteToRecipient = "Merry <Christmas>\nfrom all of us";
        var email = DeliveryEmail.Compose(Guid.NewGuid(), board, Cards, "https://kudos.example/b/x#k=y");
        Assert.Contains("Merry &lt;Christmas&gt;<br>from all of us", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("> Merry <Christmas>\n> from all of us\n", email.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void The_message_id_is_stable_per_dispatch_and_in_the_senders_domain()
    {
        var id = MessageIds.For("board-delivery/abc", "kudos@kudos.example");
        Assert.Equal(id, MessageIds.For("board-delivery/abc", "Kudos <kudos@kudos.example>"));
        Assert.NotEqual(id, MessageIds.For("board-delivery/abd", "kudos@kudos.example"));
        Assert.EndsWith("@kudos.example", id, StringComparison.Ordinal);
        Assert.EndsWith("@kudos.local", MessageIds.For("board-delivery/abc", "kudos"), StringComparison.Ordinal);
    }
}

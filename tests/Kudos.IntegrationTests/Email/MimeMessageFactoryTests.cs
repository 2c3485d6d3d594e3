using Kudos.Grains.Boards;
using Kudos.Grains.Email;
using Kudos.Silo.Email;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Xunit;

namespace Kudos.IntegrationTests.Email;

/// <summary>The MIME form the transport builds from the product's message.</summary>
public sealed class MimeMessageFactoryTests
{
    [Fact]
    public void The_mime_message_is_multipart_alternative_with_the_dispatch_message_id()
    {
        var board = new BoardState { Title = "T", RecipientName = "Ada", RecipientEmail = "ada@example.com", OwnerName = "Grace", TimeZone = "UTC" };
        var message = DeliveryEmail.Compose(Guid.NewGuid(), board, [], "https://kudos.example/b/x#k=y");
        var id = MessageIds.For("board-delivery/abc", "kudos@kudos.example");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 24, 17, 0, 0, TimeSpan.Zero));

        var mime = MimeMessageFactory.Build(new OutgoingEmail("board-delivery/abc", message, id, clock.GetUtcNow()), MailboxAddress.Parse("Kudos <kudos@kudos.example>"), clock);

        Assert.Equal(id, mime.MessageId);
        Assert.Equal(clock.GetUtcNow(), mime.Date);
        Assert.Equal("kudos@kudos.example", ((MailboxAddress)mime.From.Single()).Address);
        Assert.Equal("ada@example.com", ((MailboxAddress)mime.To.Single()).Address);
        Assert.Equal("multipart/alternative", mime.Body!.ContentType.MimeType);
        Assert.NotNull(mime.TextBody);
        Assert.NotNull(mime.HtmlBody);
        Assert.Equal("auto-generated", mime.Headers["Auto-Submitted"]);
    }
}

using System.Security.Cryptography;
using Kudos.Grains.Email;
using Kudos.Silo.Email;
using Kudos.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Xunit;
using static Kudos.IntegrationTests.Email.TransportHarness;

namespace Kudos.IntegrationTests.Email;

/// <summary>
/// DKIM signing of what actually reaches the SMTP server, verified with MimeKit's <see cref="DkimVerifier"/> against
/// a key pair made for the test (the public key served as its DNS TXT record would be).
/// </summary>
public sealed class DkimSigningTests : SmtpServerTest
{
    private const string Domain = "kudos.test";
    private const string Selector = "k2026";
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(20);

    private readonly string _directory = Directory.CreateTempSubdirectory("kudos-dkim-").FullName;

    [Fact(Timeout = 60_000)]
    public async Task A_signed_message_verifies_with_the_published_key()
    {
        using var key = RSA.Create(2048);
        var keyFile = WriteKey(key);
        await using var transport = Create(Server, dkim: new DkimOptions { KeyFile = keyFile, Selector = Selector, Domain = Domain });
        var email = NewEmail("ada@example.test", "Thank you, Ada — ✨", headers:
        [
            new EmailHeader("List-Unsubscribe", "<https://kudos.test/u/abc>, <mailto:unsubscribe@kudos.test?subject=abc>"),
            new EmailHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ]);

        Assert.Equal(SendOutcome.Sent, (await transport.SendAsync(email, Ct)).Outcome);

        var received = Assert.Single(await Server.WaitForMessagesAsync(1, WaitTimeout, "ada@example.test", Ct)).Parse();
        var signature = Assert.Single(received.Headers, h => h.Id == HeaderId.DkimSignature);
        var tags = Tags(signature.Value);
        Assert.Equal("rsa-sha256", tags["a"]);
        Assert.Equal("relaxed/relaxed", tags["c"]);
        Assert.Equal(Domain, tags["d"]);
        Assert.Equal(Selector, tags["s"]);
        Assert.Equal(["from", "to", "subject", "date", "message-id", "list-unsubscribe", "list-unsubscribe-post"],
            tags["h"].Split(':').Select(h => h.Trim()));

        var verifier = new DkimVerifier(new KnownKeyLocator(Domain, Selector, key));
        Assert.True(await verifier.VerifyAsync(received, signature, Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_message_changed_after_signing_fails_verification()
    {
        using var key = RSA.Create(2048);
        await using var transport = Create(Server, dkim: new DkimOptions { KeyFile = WriteKey(key), Selector = Selector, Domain = Domain });

        Assert.Equal(SendOutcome.Sent, (await transport.SendAsync(NewEmail("bob@example.test", "Original"), Ct)).Outcome);

        var raw = Assert.Single(await Server.WaitForMessagesAsync(1, WaitTimeout, "bob@example.test", Ct)).Raw;
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw.Replace("Subject: Original", "Subject: Changed", StringComparison.Ordinal)));
        var tampered = await MimeMessage.LoadAsync(stream, Ct);
        var signature = tampered.Headers.Single(h => h.Id == HeaderId.DkimSignature);
        Assert.False(await new DkimVerifier(new KnownKeyLocator(Domain, Selector, key)).VerifyAsync(tampered, signature, Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_message_resent_is_signed_once_afresh()
    {
        using var key = RSA.Create(2048);
        await using var transport = Create(Server, dkim: new DkimOptions { KeyFile = WriteKey(key), Selector = Selector, Domain = Domain });
        var email = NewEmail("carol@example.test", "Twice");

        await transport.SendAsync(email, Ct);
        await transport.SendAsync(email, Ct);

        var received = await Server.WaitForMessagesAsync(2, WaitTimeout, "carol@example.test", Ct);
        Assert.Equal(2, received.Count);
        var verifier = new DkimVerifier(new KnownKeyLocator(Domain, Selector, key));
        foreach (var message in received.Select(m => m.Parse()))
        {
            var signature = Assert.Single(message.Headers, h => h.Id == HeaderId.DkimSignature);
            Assert.True(await verifier.VerifyAsync(message, signature, Ct));
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Without_DKIM_configuration_nothing_is_signed()
    {
        await using var transport = Create(Server);

        Assert.Equal(SendOutcome.Sent, (await transport.SendAsync(NewEmail("dave@example.test"), Ct)).Outcome);

        var received = Assert.Single(await Server.WaitForMessagesAsync(1, WaitTimeout, "dave@example.test", Ct)).Parse();
        Assert.DoesNotContain(received.Headers, h => h.Id == HeaderId.DkimSignature);
    }

    [Fact]
    public void The_silo_validates_DKIM_settings_at_start_up_all_or_none()
    {
        using var key = RSA.Create(2048);
        var keyFile = WriteKey(key);
        var notAKey = Path.Combine(_directory, "not-a-key.pem");
        File.WriteAllText(notAKey, "hello");

        Assert.Null(Validate(new()));
        Assert.Null(Validate(Dkim(keyFile, Selector, Domain)));
        Assert.Contains("missing: Email:Dkim:KeyFile", Validate(Dkim(null, Selector, Domain)), StringComparison.Ordinal);
        Assert.Contains("missing: Email:Dkim:Selector, Email:Dkim:Domain", Validate(Dkim(keyFile, null, null)), StringComparison.Ordinal);
        Assert.Contains("does not exist", Validate(Dkim(Path.Combine(_directory, "absent.pem"), Selector, Domain)), StringComparison.Ordinal);
        Assert.Contains("is not a readable PEM private key", Validate(Dkim(notAKey, Selector, Domain)), StringComparison.Ordinal);
        Assert.Contains("Email:Dkim:Domain must be a domain name", Validate(Dkim(keyFile, Selector, "not a domain")), StringComparison.Ordinal);
        Assert.Contains("Email:Dkim:Selector must be DNS labels", Validate(Dkim(keyFile, "bad selector", Domain)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_silo_validates_the_transport_limits_at_start_up()
    {
        Assert.Null(ValidateSmtp(new()));
        Assert.Null(ValidateSmtp(new() { ["Smtp:MaxConnections"] = "8", ["Smtp:MaxConcurrency"] = "2", ["Smtp:MaxMessagesPerSecond"] = "14", ["Smtp:IdleTimeout"] = "00:05:00" }));
        Assert.Contains("Smtp:MaxConnections must be 1-100", ValidateSmtp(new() { ["Smtp:MaxConnections"] = "0" }), StringComparison.Ordinal);
        Assert.Contains("Smtp:MaxConcurrency must be between 1 and Smtp:MaxConnections (4)", ValidateSmtp(new() { ["Smtp:MaxConcurrency"] = "5" }), StringComparison.Ordinal);
        Assert.Contains("Smtp:MaxMessagesPerSecond must be 0", ValidateSmtp(new() { ["Smtp:MaxMessagesPerSecond"] = "-1" }), StringComparison.Ordinal);
        Assert.Contains("Smtp:IdleTimeout must be between", ValidateSmtp(new() { ["Smtp:IdleTimeout"] = "00:00:00" }), StringComparison.Ordinal);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static Dictionary<string, string?> Dkim(string? keyFile, string? selector, string? domain) => new()
    {
        ["Email:Dkim:KeyFile"] = keyFile,
        ["Email:Dkim:Selector"] = selector,
        ["Email:Dkim:Domain"] = domain,
    };

    /// <summary>The failure message of <c>Email:Dkim</c> as the silo's own registration validates it, or null.</summary>
    private static string? Validate(Dictionary<string, string?> settings) => Resolve<DkimOptions>(settings);

    private static string? ValidateSmtp(Dictionary<string, string?> settings) => Resolve<SmtpOptions>(settings);

    private static string? Resolve<T>(Dictionary<string, string?> settings)
        where T : class
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddKudosGrainServices(configuration).BuildServiceProvider();
        try
        {
            _ = services.GetRequiredService<IOptions<T>>().Value;
            return null;
        }
        catch (OptionsValidationException ex)
        {
            return ex.Message;
        }
    }

    private string WriteKey(RSA key)
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem());
        return path;
    }

    private static Dictionary<string, string> Tags(string value) => value
        .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(tag => tag.Split('=', 2))
        .ToDictionary(kv => kv[0], kv => string.Concat(kv[1].Where(c => !char.IsWhiteSpace(c))));

    /// <summary>Answers the DNS TXT record <c>{selector}._domainkey.{domain}</c> for the test's key, and nothing else.</summary>
    private sealed class KnownKeyLocator(string domain, string selector, RSA key) : DkimPublicKeyLocatorBase
    {
        private readonly string _txt = $"v=DKIM1; k=rsa; p={Convert.ToBase64String(key.ExportSubjectPublicKeyInfo())}";

        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain2, string selector2, CancellationToken cancellationToken = default)
            => string.Equals(domain2, domain, StringComparison.OrdinalIgnoreCase) && selector2 == selector
                ? GetPublicKey(_txt)
                : throw new InvalidOperationException($"no DKIM key published for {selector2}._domainkey.{domain2}");

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain2, string selector2, CancellationToken cancellationToken = default)
            => Task.FromResult(LocatePublicKey(methods, domain2, selector2, cancellationToken));
    }
}

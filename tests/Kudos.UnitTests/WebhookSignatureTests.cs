using System.Text;
using Kudos.Api.Webhooks;
using Xunit;

namespace Kudos.UnitTests;

public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Rotated = "whsec_dGhlIG5ldyBzZWNyZXQgYWZ0ZXIgcm90YXRpb24=";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_795_000_000);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"type\":\"email.delivered\",\"data\":{\"email_id\":\"abc\"}}");
    private static readonly string Timestamp = Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string? Verify(string? signature, byte[]? body = null, string? timestamp = null, string[]? secrets = null, string? id = "msg_1") =>
        new WebhookSignature(secrets ?? [Secret], TimeSpan.FromMinutes(5)).Verify(id, timestamp ?? Timestamp, signature, body ?? Body, Now);

    // Written from the specification, independently of WebhookSignature, so a shared mistake cannot pass unseen.
    private static string Sign(string secret = Secret, long? at = null, byte[]? body = null)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var content = Encoding.UTF8.GetBytes($"msg_1.{at ?? Now.ToUnixTimeSeconds()}.").Concat(body ?? Body).ToArray();
        return "v1," + Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(key, content));
    }

    [Fact]
    public void A_valid_signature_passes() => Assert.Null(Verify(Sign()));

    [Fact]
    public void A_tampered_body_fails()
    {
        var tampered = (byte[])Body.Clone();
        tampered[^3] ^= 1;
        Assert.NotNull(Verify(Sign(), body: tampered));
    }

    [Fact]
    public void A_wrong_secret_fails() => Assert.NotNull(Verify(Sign(Rotated)));

    [Theory]
    [InlineData("v1,")]
    [InlineData("v1")]
    [InlineData("")]
    [InlineData("v2,abc")]
    public void Empty_or_malformed_signatures_fail(string signature) => Assert.NotNull(Verify(signature));

    [Fact]
    public void A_truncated_signature_fails()
    {
        var full = Sign();
        Assert.NotNull(Verify(full[..^4]));
        Assert.NotNull(Verify(full[..20]));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void Stale_and_future_timestamps_fail(int offsetSeconds)
    {
        var at = Now.ToUnixTimeSeconds() + offsetSeconds;
        var error = Verify(Sign(at: at), timestamp: at.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(offsetSeconds < 0 ? "old" : "future", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_of_several_signatures_with_any_configured_secret_passes()
    {
        Assert.Null(Verify($"v1,{Convert.ToBase64String(new byte[32])} {Sign(Rotated)}", secrets: [Secret, Rotated]));
        Assert.Null(Verify(Sign(Rotated), secrets: [Secret, Rotated]));
    }

    [Fact]
    public void Missing_headers_and_no_secrets_fail()
    {
        Assert.NotNull(Verify(Sign(), id: null));
        Assert.NotNull(Verify(null));
        Assert.NotNull(Verify(Sign(), timestamp: "yesterday"));
        Assert.Contains("No webhook secret", Verify(Sign(), secrets: []), StringComparison.Ordinal);
    }
}

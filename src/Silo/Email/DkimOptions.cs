namespace Kudos.Silo.Email;

/// <summary>
/// Optional DKIM signing of every outgoing message (configuration section <c>Email:Dkim</c>): set all three keys to
/// sign, or none. The public key belongs in DNS as a TXT record at <c>{Selector}._domainkey.{Domain}</c>.
/// </summary>
public sealed class DkimOptions
{
    public const string Section = "Email:Dkim";

    /// <summary>Path of the PEM private key (RSA; PKCS#1 or PKCS#8).</summary>
    public string? KeyFile { get; set; }

    /// <summary>The selector (<c>s=</c>), e.g. <c>kudos2026</c>.</summary>
    public string? Selector { get; set; }

    /// <summary>The signing domain (<c>d=</c>); it should be the domain of <c>Email:From</c> (or its parent) for DMARC.</summary>
    public string? Domain { get; set; }

    /// <summary>True when any of the keys is set (validation then requires all of them).</summary>
    public bool IsConfigured
        => !string.IsNullOrWhiteSpace(KeyFile) || !string.IsNullOrWhiteSpace(Selector) || !string.IsNullOrWhiteSpace(Domain);
}

using MimeKit;
using MimeKit.Cryptography;

namespace Kudos.Silo.Email;

/// <summary>
/// Signs outgoing messages with DKIM (RSA-SHA256, relaxed/relaxed) over From, To, Cc, Subject, Date, Message-ID and,
/// when present, List-Unsubscribe and List-Unsubscribe-Post (RFC 8058 requires both to be covered).
/// </summary>
public sealed class DkimMessageSigner
{
    private static readonly HeaderId[] AlwaysSigned = [HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId];
    private static readonly string[] SignedWhenPresent = ["Cc", "List-Unsubscribe", "List-Unsubscribe-Post"];

    private readonly DkimSigner _signer;

    private DkimMessageSigner(DkimSigner signer) => _signer = signer;

    /// <summary>The signing domain (<c>d=</c>).</summary>
    public string Domain => _signer.Domain;

    /// <summary>The selector (<c>s=</c>).</summary>
    public string Selector => _signer.Selector;

    /// <summary>A signer for complete <paramref name="options"/>, or <see langword="null"/> when DKIM is not configured.</summary>
    /// <exception cref="FormatException">The key file holds no private key.</exception>
    /// <exception cref="IOException">The key file cannot be read.</exception>
    public static DkimMessageSigner? Create(DkimOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsConfigured)
        {
            return null;
        }

        var signer = new DkimSigner(options.KeyFile!, options.Domain!.Trim(), options.Selector!.Trim(), DkimSignatureAlgorithm.RsaSha256)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
        return new DkimMessageSigner(signer);
    }

    /// <summary>
    /// Signs <paramref name="message"/> in place, replacing an earlier signature (a message signed for a previous attempt
    /// is signed afresh). The body is first prepared for 7-bit transport so no relay re-encodes it and breaks the body hash.
    /// </summary>
    public void Sign(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Headers.RemoveAll(HeaderId.DkimSignature);
        message.Prepare(EncodingConstraint.SevenBit);

        var headers = AlwaysSigned.Select(id => id.ToHeaderName()).ToList();
        headers.AddRange(SignedWhenPresent.Where(name => message.Headers.Contains(name)));
        _signer.Sign(message, headers);
    }
}

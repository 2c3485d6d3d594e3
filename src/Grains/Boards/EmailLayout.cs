using System.Net;
using System.Text;

namespace Kudos.Grains.Boards;

/// <summary>One piece of an email's content; <see cref="EmailLayout"/> renders it in both the HTML and the text part.</summary>
public abstract record EmailBlock
{
    private EmailBlock()
    {
    }

    /// <summary>"Hi Ada," (or "Hello," when the name is unknown).</summary>
    public static EmailBlock Greeting(string? name) => new Paragraph(string.IsNullOrWhiteSpace(name) ? "Hello," : $"Hi {name},");

    /// <summary>A paragraph of body text; its line breaks are kept.</summary>
    public sealed record Paragraph(string Text) : EmailBlock;

    /// <summary>Someone's own words (a note, a thank-you), line breaks kept, and who wrote them.</summary>
    public sealed record Quote(string Text, string? By = null) : EmailBlock;

    /// <summary>A bulleted list.</summary>
    public sealed record Bullets(IReadOnlyList<string> Items) : EmailBlock;

    /// <summary>Small grey print (a warning, an aside), optionally ending with a link; it goes under the button.</summary>
    public sealed record Small(string Text, string? LinkLabel = null, string? Url = null) : EmailBlock;
}

/// <summary>
/// The one layout of every email the product sends: a header (the product's name under a coloured bar), the content, an
/// optional button, the small print, optional technical details, and a footer saying why the person got the email. The
/// HTML part (inline styles, at most 560 px wide) and the plain-text part are rendered from the same inputs, so they say
/// the same things; every string is HTML-escaped in the HTML part.
/// </summary>
public static class EmailLayout
{
    /// <summary>The product's name, in every email's header and footer.</summary>
    public const string Product = "Kudos";

    private const string Accent = "#5b3cc4";
    private const string Font = "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;";
    private const string Grey = "color:#6b6b76;";

    /// <summary>
    /// The HTML and text parts of an email. <paramref name="preheader"/> is the inbox preview line (HTML only);
    /// <paramref name="button"/> the main link, also shown in full under it; <paramref name="why"/> the footer sentence,
    /// e.g. "You got this email because Grace Hopper made a kudos board for you."; <paramref name="technicalDetails"/>
    /// raw lines for support, shown last in small grey print under "Technical details".
    /// </summary>
    public static (string Html, string Text) Render(
        string subject,
        string preheader,
        IReadOnlyList<EmailBlock> blocks,
        (string Label, string Url)? button,
        string why,
        IReadOnlyList<string>? technicalDetails = null) =>
        (Html(subject, preheader, blocks, button, why, technicalDetails ?? []), Text(blocks, button, why, technicalDetails ?? []));

    /// <summary>The footer sentence of the emails to a board's owner.</summary>
    internal static string BecauseOwner(BoardState board) =>
        $"You got this email because you made the kudos board {Words.Quoted(board.Title)} for {board.RecipientName}.";

    /// <summary>The footer sentence of the emails to a contributor who left their address with their card.</summary>
    internal static string BecauseContributor(BoardState board) =>
        $"You got this email because you wrote a card on {Words.Quoted(board.Title)} and left your address.";

    private static string Html(string subject, string preheader, IReadOnlyList<EmailBlock> blocks, (string Label, string Url)? button, string why, IReadOnlyList<string> technical)
    {
        var html = new StringBuilder();
        html.Append($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light">
            <title>{E(subject)}</title>
            </head>
            <body style="margin:0;padding:0;background-color:#f3f1f9;">
            <div style="display:none;max-height:0;overflow:hidden;opacity:0;mso-hide:all;">{E(preheader)}</div>
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f3f1f9;">
            <tr><td align="center" style="padding:24px 12px;">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:560px;background-color:#ffffff;border-radius:8px;">
            <tr><td style="height:6px;line-height:6px;font-size:0;background-color:{Accent};border-radius:8px 8px 0 0;">&nbsp;</td></tr>
            <tr><td style="padding:20px 24px 4px 24px;{Font}font-size:20px;font-weight:bold;color:{Accent};">{E(Product)}</td></tr>
            <tr><td style="padding:12px 24px 8px 24px;{Font}font-size:16px;line-height:1.5;color:#222222;">

            """);
        foreach (var block in blocks.Where(b => b is not EmailBlock.Small))
        {
            html.Append(block switch
            {
                EmailBlock.Paragraph p => $"<p style=\"margin:0 0 16px 0;\">{Lines(p.Text)}</p>\n",
                EmailBlock.Quote q => $"<div style=\"margin:0 0 16px 0;padding:12px 16px;border-left:4px solid {Accent};background-color:#f3f1f9;font-style:italic;\">{Lines(q.Text)}"
                    + (q.By is { Length: > 0 } by ? $"<div style=\"margin-top:8px;font-style:normal;{Grey}\">\u2014 {E(by)}</div>" : "")
                    + "</div>\n",
                EmailBlock.Bullets b => $"<ul style=\"margin:0 0 16px 0;padding-left:22px;\">{string.Concat(b.Items.Select(i => $"<li style=\"margin:0 0 6px 0;\">{Lines(i)}</li>"))}</ul>\n",
                _ => throw new ArgumentOutOfRangeException(nameof(blocks), block, "Unknown email block."),
            });
        }

        if (button is ({ } label, { } link))
        {
            html.Append($"""
                <table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 16px 0;"><tr><td style="border-radius:6px;background-color:{Accent};">
                <a href="{E(link)}" style="display:inline-block;padding:12px 22px;{Font}font-size:16px;font-weight:bold;color:#ffffff;text-decoration:none;border-radius:6px;">{E(label)}</a>
                </td></tr></table>
                <p style="margin:0 0 16px 0;font-size:13px;{Grey}">Or paste this address into your browser:<br><a href="{E(link)}" style="color:{Accent};word-break:break-all;">{E(link)}</a></p>

                """);
        }

        foreach (var small in blocks.OfType<EmailBlock.Small>())
        {
            html.Append($"<p style=\"margin:0 0 16px 0;font-size:13px;{Grey}\">{Lines(small.Text)}"
                + (small.Url is { } url ? $" <a href=\"{E(url)}\" style=\"color:{Accent};\">{E(small.LinkLabel ?? url)}</a>" : "")
                + "</p>\n");
        }

        if (technical.Count > 0)
        {
            html.Append($"""
                <div style="margin:24px 0 8px 0;padding-top:12px;border-top:1px solid #e6e4ee;font-size:12px;line-height:1.5;color:#8a8a94;">
                <div style="font-weight:bold;">Technical details</div>
                <div style="font-family:Menlo,Consolas,monospace;word-break:break-all;">{string.Join("<br>", technical.Select(Lines))}</div>
                </div>

                """);
        }

        html.Append($"""
            </td></tr>
            <tr><td style="padding:16px 24px 20px 24px;border-top:1px solid #e6e4ee;{Font}font-size:13px;line-height:1.5;{Grey}">
            <p style="margin:0 0 6px 0;">{E(why)}</p>
            <p style="margin:0;font-weight:bold;color:{Accent};">{E(Product)}</p>
            </td></tr>
            </table>
            </td></tr>
            </table>
            </body>
            </html>
            """);
        return html.ToString();
    }

    private static string Text(IReadOnlyList<EmailBlock> blocks, (string Label, string Url)? button, string why, IReadOnlyList<string> technical)
    {
        var text = new StringBuilder();
        foreach (var block in blocks.Where(b => b is not EmailBlock.Small))
        {
            text.Append(block switch
            {
                EmailBlock.Paragraph p => $"{Normalize(p.Text)}\n\n",
                EmailBlock.Quote q => string.Concat(Normalize(q.Text).Split('\n').Select(l => $"> {l}\n"))
                    + (q.By is { Length: > 0 } by ? $"\u2014 {by}\n" : "") + "\n",
                EmailBlock.Bullets b => string.Concat(b.Items.Select(i => $"- {Normalize(i)}\n")) + "\n",
                _ => throw new ArgumentOutOfRangeException(nameof(blocks), block, "Unknown email block."),
            });
        }

        if (button is ({ } label, { } link))
        {
            text.Append($"{label}:\n{link}\n\n");
        }

        foreach (var small in blocks.OfType<EmailBlock.Small>())
        {
            text.Append(Normalize(small.Text) + (small.Url is { } url ? $" {small.LinkLabel ?? "Link"}:\n{url}" : "") + "\n\n");
        }

        if (technical.Count > 0)
        {
            text.Append("Technical details\n");
            text.Append(string.Concat(technical.Select(t => $"  {Normalize(t)}\n")));
            text.Append('\n');
        }

        text.Append($"-- \n{why}\n{Product}\n");
        return text.ToString();
    }

    private static string E(string value) => WebUtility.HtmlEncode(value);

    /// <summary>Escaped, with its line breaks as <c>&lt;br&gt;</c>.</summary>
    private static string Lines(string value) => E(Normalize(value)).Replace("\n", "<br>", StringComparison.Ordinal);

    private static string Normalize(string value) => value.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Trim();
}

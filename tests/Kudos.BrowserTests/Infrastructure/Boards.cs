using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Kudos.Testing;
using Xunit;

namespace Kudos.BrowserTests.Infrastructure;

public sealed record CreatedBoard(Guid Id, string OwnerKey, string ContributeKey)
{
    public string OwnerPage => $"/o/{Id}#k={OwnerKey}&c={ContributeKey}";

    public string ContributePage => $"/c/{Id}#k={ContributeKey}";
}

/// <summary>Set-up through the REST API, for tests whose subject is a later page; and the recipient link in an email.</summary>
public static partial class Boards
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string UniqueAddress(string who) => $"{who}-{Guid.NewGuid():N}@example.test";

    public static async Task<CreatedBoard> CreateAsync(KudosStack stack, string title, string recipientEmail, CancellationToken ct)
    {
        var body = new
        {
            title,
            recipientName = "Ada Lovelace",
            recipientEmail,
            ownerName = "Grace",
            ownerEmail = "grace@example.test",
            deliverAt = DateTimeOffset.UtcNow.AddDays(1).ToString("O"),
            timeZone = "Europe/Paris",
        };
        using var response = await stack.Http.PostAsJsonAsync("/api/boards", body, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Creating a board answered {(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<CreatedBoard>(text, Json)!;
    }

    public static async Task DeliverNowAsync(KudosStack stack, CreatedBoard board, CancellationToken ct)
    {
        using var response = await stack.Http.SendAsync(stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/deliver?confirmFewCards=true", board.OwnerKey), ct);
        Assert.True(response.IsSuccessStatusCode, $"Deliver-now answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
    }

    /// <summary>Waits (long-poll) for the delivery email to <paramref name="recipient"/> and returns the link it carries.</summary>
    public static async Task<string> RecipientLinkFromEmailAsync(KudosStack stack, string recipient, CancellationToken ct)
    {
        var mails = await stack.Smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30), recipient, ct);
        Assert.True(mails.Count == 1, $"No delivery email reached the SMTP server for {recipient}.\n{stack.Logs}");
        var text = mails[0].Parse().TextBody ?? "";
        var link = RecipientLink().Match(text);
        Assert.True(link.Success, $"No recipient link in the email:\n{text}");
        return link.Value;
    }

    [GeneratedRegex(@"https?://[^\s/]+/b/[0-9a-f]{32}#k=[A-Za-z0-9_-]{43}")]
    private static partial Regex RecipientLink();
}

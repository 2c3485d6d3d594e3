using Kudos.Grains.Analytics;

namespace Kudos.Silo.Alerts;

/// <summary>Posts backlog alerts as JSON to the configured webhook (<c>Email:Alerts:WebhookUrl</c>), bounded by a 10 s timeout.</summary>
public sealed class HttpAlertSender(HttpClient http) : IAlertSender
{
    public async Task SendAsync(Uri url, BacklogAlert alert, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        using var response = await http.PostAsJsonAsync(url, alert, timeout.Token);
        response.EnsureSuccessStatusCode();
    }
}

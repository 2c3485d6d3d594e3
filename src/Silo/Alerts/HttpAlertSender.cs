using Kudos.Grains.Analytics;

namespace Kudos.Silo.Alerts;

/// <summary>Posts backlog alerts as JSON to the configured webhook (<c>Email:Alerts:WebhookUrl</c>), bounded by a 10 s timeout.</summary>
public sealed class HttpAlertSender(HttpClient http) : IAlertSender
{
    public Task SendAsync(Uri url, BacklogAlert alert, CancellationToken cancellationToken) => PostAsync(url, alert, cancellationToken);

    public Task SendAsync(Uri url, OwnerHeldAlert alert, CancellationToken cancellationToken) => PostAsync(url, alert, cancellationToken);

    private async Task PostAsync<T>(Uri url, T alert, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        using var response = await http.PostAsJsonAsync(url, alert, timeout.Token);
        response.EnsureSuccessStatusCode();
    }
}

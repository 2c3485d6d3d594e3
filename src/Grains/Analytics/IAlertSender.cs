namespace Kudos.Grains.Analytics;

/// <summary>Delivers an operator alert (an HTTP POST in the silo).</summary>
public interface IAlertSender
{
    Task SendAsync(Uri url, BacklogAlert alert, CancellationToken cancellationToken);
}

/// <summary>The alert's JSON body: <c>state</c> is <c>backlog</c> when an incident starts and <c>recovered</c> when it ends.</summary>
public sealed record BacklogAlert(string State, int Pending, double? OldestPendingSeconds, int PendingThreshold, double OldestPendingThresholdSeconds, DateTimeOffset At);

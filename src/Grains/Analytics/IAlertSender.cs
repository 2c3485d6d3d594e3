namespace Kudos.Grains.Analytics;

/// <summary>Delivers an operator alert (an HTTP POST in the silo).</summary>
public interface IAlertSender
{
    Task SendAsync(Uri url, BacklogAlert alert, CancellationToken cancellationToken);

    Task SendAsync(Uri url, OwnerHeldAlert alert, CancellationToken cancellationToken);
}

/// <summary>The alert's JSON body: <c>state</c> is <c>backlog</c> when an incident starts and <c>recovered</c> when it ends.</summary>
public sealed record BacklogAlert(string State, int Pending, double? OldestPendingSeconds, int PendingThreshold, double OldestPendingThresholdSeconds, DateTimeOffset At);

/// <summary>The alert's JSON body when the sender-reputation guard holds an owner's invitations (<c>state</c> is <c>owner-held</c>).</summary>
public sealed record OwnerHeldAlert(string State, string Owner, string Reason, int RecentInvitations, int HardBounces, int Complaints, DateTimeOffset At);

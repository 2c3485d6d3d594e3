using Kudos.Grains.Analytics;
using Kudos.Grains.Boards;
using Kudos.Grains.Email;
using Kudos.Grains.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kudos.Grains.Owners;

/// <summary>An owner address: its boards, credentials, daily quotas and sender reputation (rules in <see cref="OwnerRules"/>).</summary>
public sealed partial class OwnerGrain(
    [PersistentState("owner", StorageNames.Kudos)] IPersistentState<OwnerState> owner,
    TimeProvider time,
    IOptions<OwnerOptions> options,
    IOptions<EmailOptions> emailOptions,
    IAlertSender alerts,
    ILogger<OwnerGrain> logger) : Grain, IOwnerGrain
{
    private OwnerState State => owner.State;

    private string Address => this.GetPrimaryKeyString();

    public async Task<OwnerStanding> AdmitBoardAsync(Guid boardId, bool confirmed, IReadOnlyList<string> invitationIds)
    {
        OwnerRules.AdmitBoard(State, boardId, confirmed, invitationIds, options.Value, time.GetUtcNow());
        return await AfterAdmissionAsync(boardId, invitationIds.Count);
    }

    public async Task<OwnerStanding> AdmitInvitationsAsync(Guid boardId, IReadOnlyList<string> invitationIds)
    {
        OwnerRules.AdmitInvitations(State, invitationIds, options.Value, time.GetUtcNow());
        return await AfterAdmissionAsync(boardId, invitationIds.Count);
    }

    public async Task AdmitConfirmationEmailAsync(Guid boardId)
    {
        OwnerRules.AdmitConfirmationEmail(State, options.Value, time.GetUtcNow());
        await owner.WriteStateAsync();
    }

    public async Task<string> IssueCredentialAsync(Guid boardId)
    {
        var credential = OwnerCredentials.New();
        var hash = CapabilityKeys.Hash(credential);
        await GrainFactory.GetGrain<IOwnerCredentialGrain>(hash).IssueAsync(Address);
        State.CredentialHashes.Add(hash);
        await owner.WriteStateAsync();
        LogCredentialIssued(boardId);
        return credential;
    }

    public async Task<int> RevokeCredentialsAsync()
    {
        var hashes = State.CredentialHashes.ToList();
        foreach (var hash in hashes)
        {
            await GrainFactory.GetGrain<IOwnerCredentialGrain>(hash).RevokeAsync();
        }

        State.CredentialHashes.Clear();
        await owner.WriteStateAsync();
        return hashes.Count;
    }

    public Task<IReadOnlyList<Guid>> GetBoardIdsAsync()
    {
        IReadOnlyList<Guid> boards = [.. Enumerable.Reverse(State.Boards)];
        return Task.FromResult(boards);
    }

    public Task<OwnerStanding> GetStandingAsync() => Task.FromResult(OwnerRules.Standing(Address, State));

    public async Task RecordInvitationOutcomeAsync(string dispatchId, DispatchStatus outcome)
    {
        var held = OwnerRules.RecordOutcome(State, dispatchId, outcome, options.Value.Reputation, time.GetUtcNow());
        await owner.WriteStateAsync();
        if (held)
        {
            LogHeld(State.HeldReason!);
            await GrainFactory.GetGrain<IIndexGrain>(IndexNames.HeldOwners).AddAsync(Address);
            await AlertAsync();
        }
    }

    public async Task<OwnerStanding> ReleaseAsync(string? note)
    {
        var boards = OwnerRules.Release(State);
        await owner.WriteStateAsync();
        await GrainFactory.GetGrain<IIndexGrain>(IndexNames.HeldOwners).RemoveAsync(Address);
        LogReleased(boards.Count, note ?? "");
        foreach (var board in boards)
        {
            await GrainFactory.GetGrain<IBoardGrain>(board).OnInvitationsReleasedAsync();
        }

        return OwnerRules.Standing(Address, State);
    }

    private async Task<OwnerStanding> AfterAdmissionAsync(Guid boardId, int invitations)
    {
        if (State.HeldSince is not null && invitations > 0 && !State.HeldBoards.Contains(boardId))
        {
            State.HeldBoards.Add(boardId);
        }

        await owner.WriteStateAsync();
        return OwnerRules.Standing(Address, State);
    }

    private async Task AlertAsync()
    {
        if (emailOptions.Value.Alerts.WebhookUrl is not { } url)
        {
            return;
        }

        var standing = OwnerRules.Standing(Address, State);
        try
        {
            await alerts.SendAsync(
                url,
                new OwnerHeldAlert("owner-held", Address, State.HeldReason!, standing.RecentInvitations, standing.HardBounces, standing.Complaints, time.GetUtcNow()),
                CancellationToken.None);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            // The admin listing still shows the hold; the log says the alert did not reach the operator.
            LogAlertFailed(ex, url);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Owner credential issued after a confirmation through board {BoardId}")]
    private partial void LogCredentialIssued(Guid boardId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Owner's invitations held by the reputation guard: {Reason}")]
    private partial void LogHeld(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Owner's hold lifted by an operator; {Boards} boards send their held invitations ({Note})")]
    private partial void LogReleased(int boards, string note);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Owner-held alert could not be sent to {Url}")]
    private partial void LogAlertFailed(Exception exception, Uri url);
}

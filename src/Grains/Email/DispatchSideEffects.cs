using System.Data.Common;
using Kudos.Grains.Analytics;
using Kudos.Grains.Indexes;
using Microsoft.Extensions.Logging;

namespace Kudos.Grains.Email;

/// <summary>
/// What a dispatch does outside its own state: the suppressions it reads before sending, and the effects of its
/// decisions on the health view, the analytics counters and provider ids (stores), the suppression list and the indexes.
/// </summary>
internal sealed partial class DispatchSideEffects(
    IGrainFactory grains,
    IIndexStore indexes,
    IProviderMessageStore providerMessages,
    IEmailStatsStore stats,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>
    /// The active suppressions of <paramref name="recipients"/>, keyed by normalized address. The suppression index holds
    /// every suppressed address (a suppression is indexed before its grain stores it, and leaves the index after), so only
    /// an indexed address needs its grain: the usual recipient costs a share of one index lookup, not an activation.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, SuppressionView>> SuppressionsAsync(IEnumerable<Mailbox> recipients)
    {
        var found = new Dictionary<string, SuppressionView>(StringComparer.Ordinal);
        var addresses = recipients.Select(r => Addresses.Normalize(r.Address)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var address in await indexes.ContainsAsync(IndexNames.Suppressions, addresses))
        {
            if (await grains.GetGrain<ISuppressionGrain>(address).GetAsync() is { } suppression)
            {
                found[address] = suppression;
            }
        }

        return found;
    }

    /// <summary>Runs one effect that concerns other grains (scheduling and the board's report are the grain's own).</summary>
    public Task RunAsync(DispatchEffect effect, string dispatchId, DispatchState state)
    {
        switch (effect)
        {
            case PublishHealth publish:
                // One-way: no send waits for the health view.
                _ = grains.GetGrain<IEmailHealthPartitionGrain>(HealthKeys.Partition(dispatchId)).ReportAsync(new HealthSignal(
                    dispatchId, state.Status, state.EnqueuedAt ?? time.GetUtcNow(), state.Attempts, time.GetUtcNow(), publish.ResentAfterUnknownOutcome, Analytics.HealthVersion.Of(state)));
                return Task.CompletedTask;
            case CountEmail count:
                return CountAsync(count, dispatchId, state.Message!);
            case SuppressAddress suppress:
                return grains.GetGrain<ISuppressionGrain>(suppress.Address).AddAsync(suppress.Reason, expiresAt: null, suppress.Detail);
            case CountSoftBounce soft:
                return grains.GetGrain<ISuppressionGrain>(soft.Address).RecordSoftBounceAsync(soft.Limit, soft.Until, soft.Detail);
            case CountAgainstOwner against:
                return grains.GetGrain<Owners.IOwnerGrain>(against.Owner).RecordInvitationOutcomeAsync(dispatchId, against.Outcome);
            case IndexHeld { Held: var held }:
                var index = grains.GetGrain<IIndexGrain>(IndexNames.Held);
                return held ? index.AddAsync(dispatchId) : index.RemoveAsync(dispatchId);
            case IndexProviderMessage provider:
                return providerMessages.SetAsync(provider.ProviderMessageId, dispatchId);
            default:
                throw new InvalidOperationException($"Dispatch {dispatchId}: no runner for the effect {effect}.");
        }
    }

    private async Task CountAsync(CountEmail count, string dispatchId, EmailMessage message)
    {
        try
        {
            await stats.IncrementAsync(DateOnly.FromDateTime(count.At.UtcDateTime), message.EmailType, message.TenantId, count.Counter, count.DedupeId);
        }
        catch (Exception ex) when (ex is TimeoutException or DbException)
        {
            // The dispatch's own state is the record; analytics catch up when the count is reported again (idempotent).
            LogCountFailed(ex, dispatchId, count.Counter);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatch {DispatchId} could not count {Counter} in analytics")]
    private partial void LogCountFailed(Exception exception, string dispatchId, string counter);
}

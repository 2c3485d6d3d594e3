namespace Kudos.Grains.Email;

/// <summary>The persisted suppression of one address (storage state name <c>suppression</c>).</summary>
public sealed class SuppressionState
{
    public bool Active { get; set; }

    public SuppressionReason Reason { get; set; }

    public DateTimeOffset Since { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public string? Detail { get; set; }

    public int SoftBounces { get; set; }
}

/// <inheritdoc cref="ISuppressionGrain"/>
public sealed class SuppressionGrain(
    [PersistentState("suppression", StorageNames.Kudos)] IPersistentState<SuppressionState> suppression,
    TimeProvider time) : Grain, ISuppressionGrain
{
    private SuppressionState State => suppression.State;

    private string Address => this.GetPrimaryKeyString();

    public Task<SuppressionView?> GetAsync() => Task.FromResult(Current());

    public async Task<SuppressionView> AddAsync(SuppressionReason reason, DateTimeOffset? expiresAt, string? detail)
    {
        var now = time.GetUtcNow();
        if (expiresAt is { } until && until <= now)
        {
            throw KudosException.Invalid("expiresAt", "'expiresAt' must be in the future.");
        }

        var current = Current();
        var widensScope = current is null || (current.Reason == SuppressionReason.Unsubscribe && reason != SuppressionReason.Unsubscribe);
        var narrowsScope = current is not null && current.Reason != SuppressionReason.Unsubscribe && reason == SuppressionReason.Unsubscribe;
        if (!narrowsScope)
        {
            // Indexed first: senders look for an address in the index before they ask this grain (see
            // DispatchSideEffects.SuppressionsAsync), so the index must hold every address this grain may call suppressed.
            await GrainFactory.GetGrain<IIndexGrain>(IndexNames.Suppressions).AddAsync(Address);
            State.Active = true;
            State.Reason = widensScope || current is null ? reason : current.Reason;
            State.Since = current?.Since ?? now;
            // Never shorten: a permanent suppression stays permanent, an expiring one only extends.
            State.ExpiresAt = current is null || widensScope ? expiresAt : Later(current.ExpiresAt, expiresAt);
            State.Detail = detail ?? current?.Detail;
            await suppression.WriteStateAsync();
        }

        return Current()!;
    }

    public async Task RemoveAsync()
    {
        State.Active = false;
        await suppression.WriteStateAsync();
        await GrainFactory.GetGrain<IIndexGrain>(IndexNames.Suppressions).RemoveAsync(Address);
    }

    public async Task RecordSoftBounceAsync(int limit, DateTimeOffset until, string detail)
    {
        State.SoftBounces++;
        if (State.SoftBounces < limit)
        {
            await suppression.WriteStateAsync();
            return;
        }

        State.SoftBounces = 0;
        await AddAsync(SuppressionReason.Bounce, until, $"{limit} soft bounces; last: {detail}");
    }

    private SuppressionView? Current() =>
        State.Active && (State.ExpiresAt is null || State.ExpiresAt > time.GetUtcNow())
            ? new SuppressionView(Address, State.Reason, State.Since, State.ExpiresAt, State.Detail)
            : null;

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null || b is null ? null : (a > b ? a : b);
}

using Microsoft.Extensions.Logging;

namespace Kudos.Grains.Email;

/// <summary>The persisted webhook event (storage state name <c>webhook-event</c>).</summary>
public sealed class WebhookEventState
{
    public ProviderEvent? Event { get; set; }

    public WebhookEventStatus Status { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public string? DispatchId { get; set; }
}

/// <inheritdoc cref="IWebhookEventGrain"/>
public sealed partial class WebhookEventGrain(
    [PersistentState("webhook-event", StorageNames.Kudos)] IPersistentState<WebhookEventState> webhookEvent,
    TimeProvider time,
    Microsoft.Extensions.Options.IOptions<KudosOptions> options,
    IProviderMessageStore providerMessages,
    ILogger<WebhookEventGrain> logger) : Grain, IWebhookEventGrain, IRemindable
{
    private const string ProcessReminder = "process";

    private WebhookEventState State => webhookEvent.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Status == WebhookEventStatus.Received)
        {
            this.RegisterGrainTimer(ProcessAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }

        return Task.CompletedTask;
    }

    public async Task<bool> RecordAsync(ProviderEvent providerEvent)
    {
        if (State.Status != WebhookEventStatus.None)
        {
            return false;
        }

        State.Event = providerEvent;
        State.Status = WebhookEventStatus.Received;
        State.ReceivedAt = time.GetUtcNow();
        await webhookEvent.WriteStateAsync();
        // Processed in a turn of its own, after the provider has its answer; the reminder covers a crash before then.
        await this.RegisterOrUpdateReminder(ProcessReminder, options.Value.ReminderPeriod, options.Value.ReminderPeriod);
        this.RegisterGrainTimer(ProcessAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        return true;
    }

    public Task<WebhookEventView?> GetAsync() => Task.FromResult(
        State.Event is null ? null : new WebhookEventView(State.Event, State.Status, State.ReceivedAt, State.DispatchId));

    public Task ReceiveReminder(string reminderName, TickStatus status) => ProcessAsync(CancellationToken.None);

    // On failure the process reminder stays (it is removed only after success): its next tick retries from storage.
    private Task ProcessAsync(CancellationToken cancellationToken) =>
        this.ResetOnFailureAsync(webhookEvent, () => ProcessStepsAsync(cancellationToken));

    private async Task ProcessStepsAsync(CancellationToken cancellationToken)
    {
        if (State.Status == WebhookEventStatus.Received && State.Event is { } e)
        {
            var dispatchId = e.ProviderMessageId is { Length: > 0 } providerId
                ? await providerMessages.GetAsync(providerId)
                : null;
            if (dispatchId is null)
            {
                State.Status = WebhookEventStatus.Unmatched;
                await GrainFactory.GetGrain<IIndexGrain>(IndexNames.UnmatchedEvents).AddAsync(this.GetPrimaryKeyString());
            }
            else
            {
                await GrainFactory.GetGrain<IEmailDispatchGrain>(dispatchId).ApplyProviderEventAsync(e);
                State.Status = WebhookEventStatus.Applied;
                State.DispatchId = dispatchId;
            }

            await webhookEvent.WriteStateAsync(cancellationToken);
            // Logged once the outcome is stored, so that what the log says can be read back.
            if (dispatchId is null)
            {
                LogUnmatched(e.WebhookId, e.Type, e.ProviderMessageId);
            }
            else
            {
                LogApplied(e.WebhookId, e.Type, dispatchId);
            }
        }

        if (await this.GetReminder(ProcessReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook event {WebhookId} ({Type}) names unknown provider message {ProviderMessageId}; kept for inspection")]
    private partial void LogUnmatched(string webhookId, string type, string? providerMessageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook event {WebhookId} ({Type}) applied to dispatch {DispatchId}")]
    private partial void LogApplied(string webhookId, string type, string dispatchId);
}

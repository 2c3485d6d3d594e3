using System.Net;
using Kudos.Grains;
using Kudos.Grains.Boards;
using Kudos.Grains.Email;
using Kudos.Grains.Owners;
using Kudos.Silo.Email;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Kudos.Silo.Hosting;

/// <summary>Start-up validation: a bad setting stops the silo with a message naming the key, before any grain runs.</summary>
internal sealed class SiloOptionsValidator :
    IValidateOptions<SmtpOptions>, IValidateOptions<EmailOptions>, IValidateOptions<KudosOptions>, IValidateOptions<SiloHostOptions>,
    IValidateOptions<OwnerOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions options) => Collect(
        string.IsNullOrWhiteSpace(options.Host) ? "Smtp:Host is required." : null,
        options.Port is < 1 or > 65535 ? $"Smtp:Port must be 1-65535 (was {options.Port})." : null,
        options.Timeout <= TimeSpan.Zero ? "Smtp:Timeout must be positive." : null,
        !string.IsNullOrEmpty(options.User) && options.Password is null ? "Smtp:Password is required when Smtp:User is set." : null);

    public ValidateOptionsResult Validate(string? name, EmailOptions options) => Collect(
        MailboxAddress.TryParse(options.From, out var from) && from.Address.Contains('@') ? null : $"Email:From must be a mailbox such as 'Kudos <kudos@example.com>' (was '{options.From}').",
        options.Retry.MaxAttempts is < 1 or > EmailLimits.MaxAttempts ? $"Email:Retry:MaxAttempts must be 1-{EmailLimits.MaxAttempts}." : null,
        options.Retry.BaseDelay < TimeSpan.Zero || options.Retry.MaxDelay < options.Retry.BaseDelay ? "Email:Retry:BaseDelay must be ≥ 0 and ≤ Email:Retry:MaxDelay." : null,
        options.Retry.Factor < 1 ? "Email:Retry:Factor must be ≥ 1." : null,
        options.Retry.Jitter is < 0 or > 1 ? "Email:Retry:Jitter must be within 0-1." : null,
        options.SoftBounceLimit < 1 ? "Email:SoftBounceLimit must be at least 1." : null,
        options.SoftBounceSuppression <= TimeSpan.Zero ? "Email:SoftBounceSuppression must be positive." : null,
        options.EventRetention <= TimeSpan.Zero ? "Email:EventRetention must be positive." : null,
        options.Alerts.PendingThreshold < 1 ? "Email:Alerts:PendingThreshold must be at least 1." : null,
        options.Alerts.OldestPendingThreshold <= TimeSpan.Zero ? "Email:Alerts:OldestPendingThreshold must be positive." : null,
        options.Alerts.CheckInterval < TimeSpan.FromSeconds(1) ? "Email:Alerts:CheckInterval must be at least 00:00:01." : null,
        options.Alerts.WebhookUrl is null or { IsAbsoluteUri: true, Scheme: "http" or "https" } ? null : "Email:Alerts:WebhookUrl must be an absolute http(s) URL.");

    public ValidateOptionsResult Validate(string? name, KudosOptions options) => Collect(
        options.PublicBaseUrl is { IsAbsoluteUri: true, Scheme: "http" or "https" } ? null : "Kudos:PublicBaseUrl must be an absolute http(s) URL.",
        options.ReminderPeriod < TimeSpan.FromSeconds(1) || options.ReminderPeriod > TimeSpan.FromMinutes(10) ? "Kudos:ReminderPeriod must be between 00:00:01 and 00:10:00." : null,
        options.InviteReminderLead < TimeSpan.Zero ? "Kudos:InviteReminderLead must not be negative." : null,
        options.DueWorkConcurrency is < 1 or > 1000 ? "Kudos:DueWorkConcurrency must be between 1 and 1000." : null,
        options.DeliveryOutcomeBackstop < TimeSpan.FromSeconds(1) || options.DeliveryOutcomeBackstop > TimeSpan.FromHours(1)
            ? "Kudos:DeliveryOutcomeBackstop must be between 00:00:01 and 01:00:00." : null,
        options.IdleCollectionAge <= TimeSpan.FromMinutes(1) || options.IdleCollectionAge > TimeSpan.FromDays(1) ? "Kudos:IdleCollectionAge must be more than 00:01:00 and at most 1.00:00:00." : null,
        options.MemoryTrimAfterDeactivations < 0 ? "Kudos:MemoryTrimAfterDeactivations must not be negative (0 turns the trim off)." : null,
        options.FewCardsThreshold is < 0 or > BoardLimits.MaxCardsPerBoard ? $"Kudos:FewCardsThreshold must be between 0 and {BoardLimits.MaxCardsPerBoard} (0 turns it off)." : null,
        options.FewCardsWarningLead < TimeSpan.Zero || options.FewCardsWarningLead > BoardLimits.MaxScheduleAhead
            ? "Kudos:FewCardsWarningLead must be between 00:00:00 and 366.00:00:00." : null,
        Enum.IsDefined(options.DefaultEmptyBoardPolicy) ? null : "Kudos:DefaultEmptyBoardPolicy must be HoldAndAsk or DeliverAnyway.");

    public ValidateOptionsResult Validate(string? name, OwnerOptions options) => Collect(
        options.ConfirmationLifetime < TimeSpan.FromMinutes(5) || options.ConfirmationLifetime > TimeSpan.FromDays(90)
            ? "Owners:ConfirmationLifetime must be between 00:05:00 and 90.00:00:00." : null,
        options.Quotas.UnconfirmedBoardsPerDay < 1 ? "Owners:Quotas:UnconfirmedBoardsPerDay must be at least 1." : null,
        options.Quotas.BoardsPerDay < 1 ? "Owners:Quotas:BoardsPerDay must be at least 1." : null,
        options.Quotas.InvitationsPerDay < 0 ? "Owners:Quotas:InvitationsPerDay must not be negative." : null,
        options.Quotas.ConfirmationEmailsPerBoard < 1 ? "Owners:Quotas:ConfirmationEmailsPerBoard must be at least 1." : null,
        options.Reputation.HardBounceRate is <= 0 or > 1 ? "Owners:Reputation:HardBounceRate must be a share within (0, 1]." : null,
        options.Reputation.MinimumInvitations is < 1 or > OwnerLimits.ReputationWindow ? $"Owners:Reputation:MinimumInvitations must be 1-{OwnerLimits.ReputationWindow}." : null,
        options.Reputation.Complaints < 1 ? "Owners:Reputation:Complaints must be at least 1." : null);

    public ValidateOptionsResult Validate(string? name, SiloHostOptions options) => Collect(
        string.IsNullOrWhiteSpace(options.ClusterId) ? "Orleans:ClusterId is required." : null,
        string.IsNullOrWhiteSpace(options.ServiceId) ? "Orleans:ServiceId is required." : null,
        options.SiloPort is < 1 or > 65535 ? "Orleans:SiloPort must be 1-65535." : null,
        options.GatewayPort is < 1 or > 65535 ? "Orleans:GatewayPort must be 1-65535." : null,
        IPAddress.TryParse(options.AdvertisedAddress, out _) || Uri.CheckHostName(options.AdvertisedAddress) == UriHostNameType.Dns
            ? null : "Orleans:AdvertisedAddress must be an IP address or a host name.");

    private static ValidateOptionsResult Collect(params string?[] failures)
    {
        var messages = failures.OfType<string>().ToList();
        return messages.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(messages);
    }
}

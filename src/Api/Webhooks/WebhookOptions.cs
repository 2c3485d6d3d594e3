namespace Kudos.Api.Webhooks;

/// <summary>Provider webhook settings (configuration section <c>Webhooks:EmailEvents</c>).</summary>
public sealed class EmailEventsWebhookOptions
{
    public const string Section = "Webhooks:EmailEvents";

    /// <summary>Signing secrets as the provider shows them (<c>whsec_&lt;base64&gt;</c>); several during a rotation.</summary>
    public List<string> Secrets { get; set; } = [];

    /// <summary>How far the signed timestamp may be from now, either way.</summary>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);
}

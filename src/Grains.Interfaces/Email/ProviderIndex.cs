namespace Kudos.Grains.Email;

/// <summary>Keys of the grains that index webhook events.</summary>
public static class ProviderIndex
{
    public static string EventKey(string webhookId) => $"wh/{webhookId}";
}

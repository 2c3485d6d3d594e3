using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Kudos.Silo.Email;

/// <summary>
/// Start-up validation of the transport's limits (<c>Smtp:MaxConnections</c> …) and of <c>Email:Dkim</c>: all three
/// DKIM keys or none, a readable private key, a selector and domain of DNS labels. Runs alongside the silo's validator
/// for <see cref="SmtpOptions"/> (host, port, timeout, credentials).
/// </summary>
public sealed partial class EmailTransportOptionsValidator : IValidateOptions<SmtpOptions>, IValidateOptions<DkimOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Collect(
            options.MaxConnections is < 1 or > 100 ? $"Smtp:MaxConnections must be 1-100 (was {options.MaxConnections})." : null,
            options.MaxConcurrency is { } concurrency && (concurrency < 1 || concurrency > options.MaxConnections)
                ? $"Smtp:MaxConcurrency must be between 1 and Smtp:MaxConnections ({options.MaxConnections}) (was {concurrency})."
                : null,
            options.MaxMessagesPerSecond < 0 || double.IsNaN(options.MaxMessagesPerSecond) || options.MaxMessagesPerSecond > 100_000
                ? $"Smtp:MaxMessagesPerSecond must be 0 (unlimited) or a positive rate up to 100000 (was {options.MaxMessagesPerSecond})."
                : null,
            options.IdleTimeout < TimeSpan.FromSeconds(1) || options.IdleTimeout > TimeSpan.FromHours(1)
                ? $"Smtp:IdleTimeout must be between 00:00:01 and 01:00:00 (was {options.IdleTimeout})."
                : null);
    }

    public ValidateOptionsResult Validate(string? name, DkimOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsConfigured)
        {
            return ValidateOptionsResult.Success;
        }

        var missing = new[] { ("KeyFile", options.KeyFile), ("Selector", options.Selector), ("Domain", options.Domain) }
            .Where(key => string.IsNullOrWhiteSpace(key.Item2))
            .Select(key => $"Email:Dkim:{key.Item1}")
            .ToList();
        if (missing.Count > 0)
        {
            return ValidateOptionsResult.Fail(
                $"DKIM signing needs Email:Dkim:KeyFile, Email:Dkim:Selector and Email:Dkim:Domain together (or none of them); missing: {string.Join(", ", missing)}.");
        }

        var failures = new List<string?>
        {
            DnsName().IsMatch(options.Selector!.Trim()) ? null : $"Email:Dkim:Selector must be DNS labels such as 'kudos2026' (was '{options.Selector}').",
            DnsName().IsMatch(options.Domain!.Trim()) && options.Domain.Contains('.', StringComparison.Ordinal)
                ? null
                : $"Email:Dkim:Domain must be a domain name such as 'example.com' (was '{options.Domain}').",
        };
        if (failures.All(f => f is null))
        {
            failures.Add(CheckKey(options));
        }

        return Collect([.. failures]);
    }

    private static string? CheckKey(DkimOptions options)
    {
        if (!File.Exists(options.KeyFile))
        {
            return $"Email:Dkim:KeyFile '{options.KeyFile}' does not exist.";
        }

        try
        {
            _ = DkimMessageSigner.Create(options);
            return null;
        }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return $"Email:Dkim:KeyFile '{options.KeyFile}' is not a readable PEM private key: {ex.Message}";
        }
    }

    private static ValidateOptionsResult Collect(params string?[] failures)
    {
        var messages = failures.OfType<string>().ToList();
        return messages.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(messages);
    }

    [GeneratedRegex(@"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex DnsName();
}

/// <summary>Registration of the transport's options and their validation.</summary>
public static class EmailTransportServiceCollectionExtensions
{
    /// <summary>Binds <c>Email:Dkim</c> and validates it and the transport's limits at start-up.</summary>
    public static IServiceCollection AddKudosEmailTransportOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DkimOptions>().Bind(configuration.GetSection(DkimOptions.Section)).ValidateOnStart();
        services.AddSingleton<EmailTransportOptionsValidator>();
        services.AddSingleton<IValidateOptions<SmtpOptions>>(sp => sp.GetRequiredService<EmailTransportOptionsValidator>());
        services.AddSingleton<IValidateOptions<DkimOptions>>(sp => sp.GetRequiredService<EmailTransportOptionsValidator>());
        return services;
    }
}

using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Kudos.Silo.Health;

/// <summary>
/// Membership failure detection (configuration section <c>Orleans:Membership</c>, bound to Orleans'
/// <see cref="ClusterMembershipOptions"/>; any of its settable properties may be given there).
/// </summary>
/// <remarks>
/// Each silo probes up to <c>NumProbedSilos</c> others every probe period; <see cref="DefaultNumMissedProbesLimit"/>
/// missed probes make it vote the target dead, and <c>NumVotesForDeathDeclaration</c> votes (2, or fewer in a smaller
/// cluster) declare it dead in the membership table. Orleans' default (5 s × 3) declared a SIGKILLed silo dead after
/// 11–14 s on loopback: too close to the 15 s this product promises. The defaults below (2 s × 3) keep a
/// crashed or frozen silo's detection within about 6–8 s while a single slow probe (a GC pause, a busy 2-core
/// machine) still cannot evict a healthy silo: Orleans adapts the effective timeout between
/// <c>MinProbeTimeout</c> and <c>MaxProbeTimeout</c> and suppresses votes while connection traffic shows the target is alive.
/// </remarks>
public static class FailureDetection
{
    public const string Section = "Orleans:Membership";

    public static readonly TimeSpan DefaultProbeTimeout = TimeSpan.FromSeconds(2);

    public const int DefaultNumMissedProbesLimit = 3;

    public static ISiloBuilder ConfigureFailureDetection(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddOptions<ClusterMembershipOptions>()
            .Configure(options =>
            {
                options.ProbeTimeout = DefaultProbeTimeout;
                options.NumMissedProbesLimit = DefaultNumMissedProbesLimit;
            })
            .Bind(configuration.GetSection(Section))
            .ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<ClusterMembershipOptions>, MembershipOptionsValidator>();
        return silo;
    }

    private sealed class MembershipOptionsValidator : IValidateOptions<ClusterMembershipOptions>
    {
        public ValidateOptionsResult Validate(string? name, ClusterMembershipOptions options)
        {
            var failures = new List<string>();
            if (options.ProbeTimeout <= TimeSpan.Zero || options.ProbeTimeout > TimeSpan.FromMinutes(1))
            {
                failures.Add($"{Section}:ProbeTimeout must be between 00:00:00 and 00:01:00 (was {options.ProbeTimeout}).");
            }

            if (options.NumMissedProbesLimit is < 1 or > 20)
            {
                failures.Add($"{Section}:NumMissedProbesLimit must be 1-20 (was {options.NumMissedProbesLimit}).");
            }

            if (options.NumVotesForDeathDeclaration < 1 || options.NumVotesForDeathDeclaration > options.NumProbedSilos)
            {
                failures.Add($"{Section}:NumVotesForDeathDeclaration must be 1-{Section}:NumProbedSilos ({options.NumProbedSilos}).");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}

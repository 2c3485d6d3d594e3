using System.Globalization;
using Npgsql;

namespace Kudos.Benchmarks.Support;

/// <summary>
/// CPU seconds used by the processes of the stack, to say where the time goes: the silo(s), the API, PostgreSQL (the
/// postmaster of the benchmark's cluster and its backends) and the SMTP server (a Python child of this process).
/// </summary>
internal sealed class CpuProbe
{
    private readonly int _postmaster;

    private CpuProbe(int postmaster) => _postmaster = postmaster;

    public static async Task<CpuProbe> CreateAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("select pg_backend_pid()", connection);
        var backend = (int)(await command.ExecuteScalarAsync(ct))!;
        return new CpuProbe(ParentOf(backend) ?? 0);
    }

    /// <summary>CPU seconds so far by role: silo, api, postgres, smtp.</summary>
    public IReadOnlyDictionary<string, double> Read()
    {
        var totals = new Dictionary<string, double> { ["silo"] = 0, ["api"] = 0, ["postgres"] = 0, ["smtp"] = 0 };
        var self = Environment.ProcessId;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var parent = ParentOf(pid);
                if (pid == _postmaster)
                {
                    // Its own time plus that of the backends that already ended (waited-for children).
                    totals["postgres"] += Ticks(pid, withChildren: true);
                }
                else if (parent == _postmaster && _postmaster != 0)
                {
                    totals["postgres"] += Ticks(pid, withChildren: false);
                }
                else if (parent == self)
                {
                    var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                    var role = cmdline.Contains("Kudos.Silo.dll", StringComparison.Ordinal) ? "silo"
                        : cmdline.Contains("Kudos.Api.dll", StringComparison.Ordinal) ? "api"
                        : cmdline.Contains("smtp_server.py", StringComparison.Ordinal) ? "smtp"
                        : null;
                    if (role is not null)
                    {
                        totals[role] += Ticks(pid, withChildren: false);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // Gone meanwhile.
            }
        }

        return totals;
    }

    /// <summary>"silo 40 CPU-s (27 %), postgres …" between two readings over <paramref name="seconds"/> of wall time.</summary>
    public static string Describe(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after, double seconds) =>
        string.Join(", ", after.Select(kv => (Role: kv.Key, Cpu: kv.Value - before.GetValueOrDefault(kv.Key)))
            .OrderByDescending(x => x.Cpu)
            .Select(x => $"{x.Role} {x.Cpu:0.0} CPU-s ({x.Cpu / Math.Max(seconds, 0.001) * 100:0} % of one core)"));

    private static int? ParentOf(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal));
        return line is null ? null : int.Parse(line[5..].Trim(), CultureInfo.InvariantCulture);
    }

    private static double Ticks(int pid, bool withChildren)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime, stime, cutime, cstime are fields 14-17 of /proc/PID/stat (indexes 11-14 after "pid (comm) "), in 1/100 s.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        if (withChildren)
        {
            ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        }

        return ticks / 100.0;
    }
}

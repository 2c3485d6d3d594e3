using System.Globalization;
using Kudos.Testing;

namespace Kudos.Benchmarks.Support;

/// <summary>A silo's OS process, found in /proc by its command line and environment (its cluster id and HTTP address).</summary>
internal static class SiloProcess
{
    public static int? FindPid(KudosStack stack, int index)
    {
        var cluster = $"Orleans__ClusterId={stack.ClusterId}";
        var urls = $"Urls={stack.SiloHttp(index)}";
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                if (!File.ReadAllText(Path.Combine(dir, "cmdline")).Contains("Kudos.Silo.dll", StringComparison.Ordinal))
                {
                    continue;
                }

                var environment = File.ReadAllText(Path.Combine(dir, "environ")).Split('\0');
                if (environment.Contains(cluster) && environment.Any(e => e.StartsWith(urls.TrimEnd('/'), StringComparison.Ordinal)))
                {
                    return pid;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended meanwhile, or is not ours to read.
            }
        }

        return null;
    }

    /// <summary>Resident set size in bytes (VmRSS), or null when the process is gone.</summary>
    public static long? RssBytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>User + system CPU seconds the process used so far (from /proc/PID/stat, in clock ticks of 1/100 s).</summary>
    public static double? CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After "pid (comm) ": state is field 3, utime field 14, stime field 15.
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}

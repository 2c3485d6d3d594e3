using System.Globalization;
using System.Runtime.InteropServices;

namespace Kudos.Benchmarks.Support;

/// <summary>Cores, memory, CPU model, OS and runtime, for the report.</summary>
internal static class MachineInfo
{
    public static string Describe()
    {
        var memory = ReadField("/proc/meminfo", "MemTotal:") is { } kb && long.TryParse(kb.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture, out var value)
            ? $"{value / 1024.0 / 1024.0:0.0} GiB"
            : "?";
        var cpu = ReadField("/proc/cpuinfo", "model name") is { } model ? model.TrimStart(':', ' ', '\t') : "?";
        var os = File.Exists("/etc/debian_version") ? $"Debian {File.ReadAllText("/etc/debian_version").Trim()}" : RuntimeInformation.OSDescription;
        return $"{Environment.ProcessorCount} cores ({cpu}), {memory} memory, {os}, {RuntimeInformation.FrameworkDescription}";
    }

    private static string? ReadField(string file, string prefix)
    {
        try
        {
            return File.ReadLines(file).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..].Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}

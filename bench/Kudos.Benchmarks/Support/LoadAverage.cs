namespace Kudos.Benchmarks.Support;

/// <summary>The machine's 1/5/15-minute load averages.</summary>
internal static class LoadAverage
{
    public static string Read()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return string.Join('/', fields.Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }
}

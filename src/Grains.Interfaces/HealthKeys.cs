namespace Kudos.Grains;

/// <summary>Keys of the health grains.</summary>
public static class HealthKeys
{
    /// <summary>The one cluster-wide health view (it holds a summary per partition, not the dispatches).</summary>
    public const string Cluster = "cluster";

    /// <summary>
    /// How many health partitions share the dispatches. Changing it moves ids between partitions: their figures are right
    /// again once each moved dispatch publishes its next transition.
    /// </summary>
    public const int Partitions = 8;

    /// <summary>The health partition of <paramref name="dispatchId"/>: a hash that is the same in every process (FNV-1a).</summary>
    public static int Partition(string dispatchId)
    {
        var hash = 2166136261u;
        foreach (var c in dispatchId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % Partitions);
    }
}

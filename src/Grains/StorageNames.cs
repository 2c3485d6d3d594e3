namespace Kudos.Grains;

/// <summary>Names of the grain-storage providers the grains use; the silo registers them.</summary>
public static class StorageNames
{
    /// <summary>The ADO.NET (PostgreSQL) grain storage.</summary>
    public const string Kudos = "kudos";
}

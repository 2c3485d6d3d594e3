namespace Kudos.Database;

/// <summary>A schema script failed to apply; its transaction was rolled back.</summary>
public sealed class SchemaMigrationException : Exception
{
    /// <summary>Creates the exception for <paramref name="scriptName"/>.</summary>
    public SchemaMigrationException(string scriptName, int version, Exception innerException)
        : base($"Schema script '{scriptName}' (version {version}) failed: {innerException.Message}", innerException)
    {
        ScriptName = scriptName;
        Version = version;
    }

    /// <summary>The file name of the failed script, e.g. <c>002_orleans_clustering.sql</c>.</summary>
    public string ScriptName { get; }

    /// <summary>The version number of the failed script.</summary>
    public int Version { get; }
}

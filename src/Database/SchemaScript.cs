using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Kudos.Database;

/// <summary>One numbered script of <c>deploy/sql</c>, e.g. <c>002_orleans_clustering.sql</c> is version 2.</summary>
internal sealed record SchemaScript(int Version, string Name, string Sql, string Checksum)
{
    // Must match the LogicalName pattern of the EmbeddedResource item in Kudos.Database.csproj.
    private const string ResourcePrefix = "Kudos.Database.Sql.";

    /// <summary>Loads the embedded scripts, ordered by version.</summary>
    public static IReadOnlyList<SchemaScript> LoadEmbedded()
    {
        var assembly = typeof(SchemaScript).Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => Load(assembly, n))
            .OrderBy(s => s.Version)
            .ToList();

        if (scripts.Count == 0)
        {
            throw new InvalidOperationException($"No schema scripts are embedded in {assembly.GetName().Name} (resources '{ResourcePrefix}*.sql').");
        }

        var duplicate = scripts.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException(
                $"Schema scripts {string.Join(" and ", duplicate.Select(s => s.Name))} share version {duplicate.Key}.");
        }

        return scripts;
    }

    private static SchemaScript Load(Assembly assembly, string resourceName)
    {
        var name = resourceName[ResourcePrefix.Length..];
        var digits = name.IndexOf('_', StringComparison.Ordinal) is var end and > 0 ? name[..end] : string.Empty;
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version <= 0)
        {
            throw new InvalidOperationException($"Schema script '{name}' must be named NNN_description.sql with NNN > 0.");
        }

        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Embedded resource '{resourceName}' could not be opened.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var sql = reader.ReadToEnd();
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
        return new SchemaScript(version, name, sql, checksum);
    }
}

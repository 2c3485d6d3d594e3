using System.Reflection;
using System.Runtime.Loader;
using Kudos.Testing;

namespace Kudos.ClusterTests.Infrastructure;

/// <summary>
/// The configuration keys the silo and the API really read, found by reflection on their built assemblies: every type
/// with a <c>public const string Section</c> is an options class bound to that section (its settable properties,
/// nested classes included), plus the framework options the code binds under its own sections.
/// </summary>
public static class ConfigurationKeys
{
    /// <summary>Keys read directly rather than through an options class, by both programs.</summary>
    public static readonly IReadOnlyList<string> Direct = ["ConnectionStrings:Kudos", "Urls"];

    /// <summary>Keys the API reads directly (<c>configuration["…"]</c> in its hosting code).</summary>
    public static readonly IReadOnlyList<string> ApiDirect = ["Orleans:ClusterId", "Orleans:ServiceId"];

    /// <summary>Framework options bound to a section by the code: section constant's owner → options type.</summary>
    private static readonly Dictionary<string, string> FrameworkBindings = new(StringComparer.Ordinal)
    {
        ["Kudos.Silo.Health.FailureDetection"] = "Orleans.Configuration.ClusterMembershipOptions, Orleans.Core",
        ["Kudos.Silo.Health.GracefulShutdown"] = "Microsoft.Extensions.Hosting.HostOptions, Microsoft.Extensions.Hosting",
    };

    /// <summary>Every key (<c>Section:Key</c>, case-insensitive) the program in <paramref name="project"/> binds.</summary>
    public static IReadOnlySet<string> For(string project, string assemblyName)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var path = Path.Combine(RepoPaths.Root, "src", project, "bin", configuration, "net10.0", assemblyName + ".dll");
        var context = new ProgramLoadContext(path);
        try
        {
            var keys = new HashSet<string>(project == "Api" ? Direct.Concat(ApiDirect) : Direct, StringComparer.OrdinalIgnoreCase);
            var main = context.LoadFromAssemblyPath(path);
            var kudosAssemblies = main.GetReferencedAssemblies().Where(a => a.Name!.StartsWith("Kudos.", StringComparison.Ordinal))
                .Select(context.LoadFromAssemblyName).Prepend(main);
            foreach (var type in kudosAssemblies.SelectMany(LoadableTypes))
            {
                if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is not { IsLiteral: true } field || field.GetRawConstantValue() is not string section)
                {
                    continue;
                }

                var options = FrameworkBindings.TryGetValue(type.FullName!, out var bound)
                    ? FindType(context, bound)
                    : type;
                if (!(options.IsAbstract && options.IsSealed))
                {
                    AddProperties(keys, section, options, depth: 0);
                }
            }

            return keys;
        }
        finally
        {
            context.Unload();
        }
    }

    private static void AddProperties(HashSet<string> keys, string prefix, Type type, int depth)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = $"{prefix}:{property.Name}";
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var isLeaf = propertyType.IsPrimitive || propertyType.IsEnum || propertyType == typeof(string) || propertyType == typeof(decimal)
                || propertyType.FullName is "System.TimeSpan" or "System.Uri" or "System.String" or "System.DateTimeOffset" or "System.Net.IPAddress" or "System.Decimal";
            if (isLeaf)
            {
                if (property.CanWrite && property.SetMethod!.IsPublic)
                {
                    keys.Add(key);
                }
            }
            else if (depth < 3 && propertyType.IsClass && !propertyType.IsArray && !propertyType.IsGenericType)
            {
                AddProperties(keys, key, propertyType, depth + 1);
            }
            else
            {
                // Collections and dictionaries: any sub-key.
                keys.Add(key + ":*");
            }
        }
    }

    private static Type FindType(AssemblyLoadContext context, string assemblyQualifiedName)
    {
        var (typeName, assemblyName) = (assemblyQualifiedName.Split(", ")[0], assemblyQualifiedName.Split(", ")[1]);
        return context.LoadFromAssemblyName(new AssemblyName(assemblyName)).GetType(typeName)
            ?? throw new InvalidOperationException($"{assemblyQualifiedName} not found among the program's assemblies.");
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }

    /// <summary>Resolves the program's dependencies from its own output folder (its deps.json).</summary>
    private sealed class ProgramLoadContext(string mainAssemblyPath) : AssemblyLoadContext(isCollectible: true)
    {
        private readonly AssemblyDependencyResolver _resolver = new(mainAssemblyPath);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            // Shared framework assemblies come from the default context, so framework types are the same types.
            if (Default.Assemblies.Any(a => AssemblyName.ReferenceMatchesDefinition(a.GetName(), assemblyName)))
            {
                return null;
            }

            var path = _resolver.ResolveAssemblyToPath(assemblyName) ?? FromAspNetCoreFramework(assemblyName);
            return path is null ? null : LoadFromAssemblyPath(path);
        }

        /// <summary>The ASP.NET Core shared framework next to the running one (a test host loads only Microsoft.NETCore.App).</summary>
        private static string? FromAspNetCoreFramework(AssemblyName assemblyName)
        {
            var netCore = new DirectoryInfo(Path.GetDirectoryName(typeof(object).Assembly.Location)!);
            var aspNetCore = new DirectoryInfo(Path.Combine(netCore.Parent!.Parent!.FullName, "Microsoft.AspNetCore.App"));
            if (!aspNetCore.Exists)
            {
                return null;
            }

            var major = netCore.Name.Split('.')[0] + ".";
            return aspNetCore.GetDirectories(major + "*").OrderByDescending(d => d.Name, StringComparer.Ordinal)
                .Select(d => Path.Combine(d.FullName, assemblyName.Name + ".dll")).FirstOrDefault(File.Exists);
        }
    }
}

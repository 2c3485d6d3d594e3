namespace Kudos.Testing;

/// <summary>Locates the repository from a test's output folder.</summary>
public static class RepoPaths
{
    private const string SolutionFileName = "Kudos.Orleans.sln";

    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The folder holding <c>Kudos.Orleans.sln</c>, found by walking up from <see cref="AppContext.BaseDirectory"/>.</summary>
    public static string Root => LazyRoot.Value;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFileName)))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No {SolutionFileName} found in {AppContext.BaseDirectory} or any parent folder.");
    }
}

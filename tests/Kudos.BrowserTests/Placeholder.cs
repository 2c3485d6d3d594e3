namespace Kudos.Tests;

internal static class Placeholder;

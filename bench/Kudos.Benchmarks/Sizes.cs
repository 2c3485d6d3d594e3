namespace Kudos.Benchmarks;

/// <summary>How big each scenario is: the sizes for a full run, tiny ones for the CI smoke run.</summary>
internal sealed record Sizes(
    int P1Boards,
    TimeSpan P1Window,
    TimeSpan P1Lead,
    int P2Boards,
    IReadOnlyList<int> P3Boards,
    TimeSpan P3Idle,
    int P4Boards,
    int P4Concurrency,
    TimeSpan P4Duration,
    int P5Boards,
    TimeSpan P5Lead,
    int CreateConcurrency)
{
    public static readonly Sizes Full = new(
        P1Boards: 1_000,
        P1Window: TimeSpan.FromMinutes(2),
        P1Lead: TimeSpan.FromSeconds(30),
        P2Boards: 10_000,
        P3Boards: [1_000, 10_000, 100_000],
        P3Idle: TimeSpan.FromMinutes(10),
        P4Boards: 512,
        P4Concurrency: 32,
        P4Duration: TimeSpan.FromSeconds(30),
        P5Boards: 500,
        P5Lead: TimeSpan.FromSeconds(25),
        CreateConcurrency: 32);

    public static readonly Sizes Smoke = new(
        P1Boards: 10,
        P1Window: TimeSpan.FromSeconds(2),
        P1Lead: TimeSpan.FromSeconds(3),
        P2Boards: 30,
        P3Boards: [10, 30],
        P3Idle: TimeSpan.FromSeconds(2),
        P4Boards: 4,
        P4Concurrency: 4,
        P4Duration: TimeSpan.FromSeconds(2),
        P5Boards: 10,
        P5Lead: TimeSpan.FromSeconds(6),
        CreateConcurrency: 8);
}

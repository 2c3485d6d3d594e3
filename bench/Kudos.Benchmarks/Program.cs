using Kudos.Benchmarks;

return await BenchmarkRunner.RunAsync(args);

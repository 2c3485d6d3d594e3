using Xunit;

// Each test runs several silo processes on a 2-core machine: one at a time keeps timings meaningful.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

using Xunit;

// One compose stack at a time: it takes most of this 2-core machine while it builds and runs.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

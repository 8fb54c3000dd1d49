using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;
using Cloudsign.Auth.Benchmarks;

// The memory diagnoser reports the allocations per operation. Pass --inProcess to skip building a
// separate benchmark process; the service's host and SQLite file are set up once per class either way.
var config = DefaultConfig.Instance.AddDiagnoser(MemoryDiagnoser.Default);
BenchmarkSwitcher.FromAssembly(typeof(HotPathBenchmarks).Assembly).Run(args, config);

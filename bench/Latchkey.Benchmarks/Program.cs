using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Latchkey.Benchmarks -- --filter '*'
// CI runs it with --job dry so that every benchmark compiles and executes once.
BenchmarkSwitcher.FromAssembly(typeof(Latchkey.Benchmarks.PasswordHashing).Assembly).Run(args);

using System.Reflection;
using Orchestrator.Benchmarks;

// ./bench.sh [NAME...]: runs the named benchmarks, or all of them, one after another (never in
// parallel: they would measure each other).
var all = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IBenchmark).IsAssignableFrom(t))
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();

if (args is [Orchestrator.Ml.Devices.BackendSelfCheck.Argument])
{
    return Orchestrator.Ml.Devices.BackendSelfCheck.RunFromCommandLine(Console.Out, Console.Error);
}

if (args is [Orchestrator.Ml.Devices.GpuDeviceCheck.Argument])
{
    return Orchestrator.Ml.Devices.GpuDeviceCheck.RunFromCommandLine(Console.Out, Console.Error);
}

if (args is [Orchestrator.Benchmarks.Gpu.GpuSelfTest.Argument])
{
    return Orchestrator.Benchmarks.Gpu.GpuSelfTest.Run(Console.Out);
}

if (args is ["--list"])
{
    all.ForEach(b => Console.WriteLine($"{b.Name,-20} {b.Description}"));
    return 0;
}

var unknown = args.Where(a => all.All(b => b.Name != a)).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"bench: unknown benchmark {string.Join(", ", unknown)}; known: {string.Join(", ", all.Select(b => b.Name))}");
    return 2;
}

var selected = args.Length == 0 ? all : all.Where(b => args.Contains(b.Name)).ToList();
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
var failures = 0;
foreach (var benchmark in selected)
{
    Console.Error.WriteLine($"bench {benchmark.Name}: {benchmark.Description}");
    try
    {
        await benchmark.RunAsync(new BenchContext(benchmark.Name, Console.Out), cancel.Token);
    }
    catch (Exception e) when (e is not OperationCanceledException)
    {
        failures++;
        Console.Error.WriteLine($"bench {benchmark.Name}: failed: {(e is TargetInvocationException t ? t.InnerException : e)?.Message}");
    }
}

return failures == 0 ? 0 : 1;

using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Serilog;

// Short in-process jobs: the machines are shared and noisy, so the figures that matter are the ratios against the
// baseline measured in the same run (ARCHITECTURE §12), not absolute times.
if (args.Length > 0 && args[0] == "p6")
{
    Environment.ExitCode = await Orchestrator.Bench.PlacementLoadBenchmark.RunAsync(args);
    return;
}

if (args.Length > 0 && args[0] == "recovery")
{
    await Orchestrator.Bench.PoolRecoveryBenchmark.RunAsync();
    return;
}

if (args.Length > 0 && args[0] is "recovery" or "controller-recovery" or "registration")
{
    Serilog.Log.Logger = new Serilog.LoggerConfiguration().MinimumLevel.Warning().WriteTo.Console().CreateLogger();
}

if (args.Length > 0 && args[0] == "registration")
{
    await Orchestrator.Bench.RegistrationBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
    return;
}

if (args.Length > 0 && args[0] == "controller-recovery")
{
    await Orchestrator.Bench.ControllerRecoveryBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
    return;
}

var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(5).WithLaunchCount(1).WithToolchain(InProcessEmitToolchain.Instance))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);

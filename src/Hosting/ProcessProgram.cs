using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orchestrator.Hosting.CommandLine;
using Serilog;
using Serilog.Formatting.Compact;

namespace Orchestrator.Hosting;

/// <summary>The shared shape of a process's Main: console logging, configuration from appsettings, environment and switches, run until stopped.</summary>
public static class ProcessProgram
{
    private static int refusal;

    /// <summary>
    /// A part of the process found it must not run (a safety refusal) and stopped it: the process exits with this code
    /// instead of 0 once the host has stopped. Tests run several hosts in one process and never read it.
    /// </summary>
    public static void ExitWith(int code) => Interlocked.Exchange(ref refusal, code);

    /// <summary>
    /// Checks the command line (<see cref="ProcessCommandLine"/>: help, version, or exit 2 for a bad one), then runs
    /// <paramref name="build"/>'s host; known startup errors become a fatal log line and an exit code.
    /// </summary>
    public static async Task<int> RunAsync(ProcessCommand command, string[] args, Func<IConfiguration, IHost> build, Func<Exception, (string Message, int ExitCode)?>? knownError = null)
    {
        if (ProcessCommandLine.Check(command.Program, command.Description, command.Switches, args, Console.Out, Console.Error) is { } exit)
        {
            return exit;
        }
        Startup.ProcessGuards.Enabled = true;
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args, ProcessCommandLine.Map(command.Switches))
            .Build();
        Log.Logger = CreateLogger(configuration);
        try
        {
            using var host = build(configuration);
            await host.RunAsync();
            return Volatile.Read(ref refusal);
        }
        catch (OptionsValidationException e)
        {
            // One line per bad setting (SettingsCheck): the key, the value and what is expected.
            foreach (var failure in e.Failures)
            {
                Log.Fatal("bad setting: {Failure}", failure);
            }
            return 2;
        }
        catch (InvalidOperationException e) when (e.InnerException is FormatException)
        {
            Log.Fatal("bad setting: {Message}", e.InnerException.Message);
            return 2;
        }
        catch (Exception e) when ((e as Startup.StartupRefusedException ?? e.InnerException as Startup.StartupRefusedException) is { } refused)
        {
            Log.Fatal("{Message}", refused.Message);
            return 1;
        }
        catch (Exception e) when ((e as JournalDamagedException ?? e.InnerException as JournalDamagedException) is { } damaged)
        {
            Log.Fatal("{Message}", damaged.Message);
            return 1;
        }
        catch (Exception e) when (knownError?.Invoke(e) is { } known)
        {
            Log.Fatal("{Message}", known.Message);
            return known.ExitCode;
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }

    private static bool IsRefusal(Exception e)
        => e is Startup.StartupRefusedException or JournalDamagedException || (e.InnerException is { } inner && IsRefusal(inner));

    /// <summary>
    /// Console logging: text lines for people, or with <c>Orchestrator:Logging:Json=true</c> (environment
    /// <c>Orchestrator__Logging__Json</c>) one compact JSON object per line (Serilog's CLEF: <c>@t</c>, <c>@m</c>,
    /// <c>@l</c>, <c>@x</c> and every property) for log shippers.
    /// </summary>
    public static Serilog.ILogger CreateLogger(IConfiguration configuration)
    {
        // ASP.NET Core logs about six Information lines per request; at thousands of requests a second that is the
        // console's bottleneck, and a request log is better taken from /metrics or a proxy.
        var logger = new LoggerConfiguration().MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
            .Filter.With(new Remoting.RemotingNoiseFilter())
            // The host logs a start that failed with its stack trace; a refusal we raise is logged once, as one line, by RunAsync.
            .Filter.ByExcluding(e => e.Exception is { } x && IsRefusal(x) && e.MessageTemplate.Text.StartsWith("Hosting failed to start", StringComparison.Ordinal));
        var json = bool.TryParse(configuration["Orchestrator:Logging:Json"], out var on) && on;
        return (json
                ? logger.WriteTo.Console(new RenderedCompactJsonFormatter())
                : logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}"))
            .CreateLogger();
    }
}

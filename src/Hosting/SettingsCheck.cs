using System.Globalization;
using Microsoft.Extensions.Options;

namespace Orchestrator.Hosting;

/// <summary>
/// Checks settings before anything starts. Each failure is one line naming the setting by its configuration key
/// (<c>Orchestrator:Controller:NodeTimeout</c>, also <c>Orchestrator__Controller__NodeTimeout</c> in the
/// environment), its value and what is expected; <see cref="ThrowIfAny"/> raises them together as an
/// <see cref="OptionsValidationException"/>, which <see cref="ProcessProgram"/> logs line by line before it exits with 2.
/// </summary>
public sealed class SettingsCheck
{
    private readonly List<string> failures = [];

    public IReadOnlyList<string> Failures => failures;

    public SettingsCheck Positive(string key, TimeSpan value)
        => That(value > TimeSpan.Zero, key, value, "expected a positive time span such as 00:00:05");

    public SettingsCheck Positive(string key, int value, string unit)
        => That(value > 0, key, value, $"expected a positive number of {unit}");

    /// <summary>A TCP port, 1 to 65535; with <paramref name="zeroPicksFree"/> also 0 (the system picks a free one).</summary>
    public SettingsCheck Port(string key, int value, bool zeroPicksFree = false)
        => That(value is > 0 and <= 65535 || (zeroPicksFree && value == 0), key, value, zeroPicksFree ? "expected 0 (any free port) or a port from 1 to 65535" : "expected a port from 1 to 65535");

    /// <summary>A check of its own: <paramref name="expected"/> says what the value should be, and why.</summary>
    public SettingsCheck That(bool ok, string key, object value, string expected)
    {
        if (!ok)
        {
            failures.Add($"{key} is {Show(value)}: {expected}");
        }
        return this;
    }

    /// <summary>A rule that words its own problem (null: none), such as one of <c>RequestRules</c>.</summary>
    public SettingsCheck Rule(string key, string? problem)
    {
        if (problem is not null)
        {
            failures.Add($"{key}: {problem}");
        }
        return this;
    }

    public void ThrowIfAny<TOptions>()
    {
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(typeof(TOptions).Name, typeof(TOptions), failures);
        }
    }

    /// <summary>A value as configuration spells it: a time span as <c>hh:mm:ss</c>, numbers invariant.</summary>
    public static string Show(object value) => value switch
    {
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}

using System.Diagnostics;

namespace Orchestrator.Tests.Shared;

/// <summary>Runs <c>deploy/make-certs.sh</c>, the script operators run: a cluster CA and one PKCS#12 per member in a folder.</summary>
internal static class ClusterCertificates
{
    public const string Password = "orchestrator";

    public static void Make(string folder, params string[] members)
    {
        using var script = Process.Start(new ProcessStartInfo("bash", [Path.Combine(FixturePaths.RepoRoot, "deploy", "make-certs.sh"), folder, .. members])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var errors = script.StandardError.ReadToEndAsync();
        script.StandardOutput.ReadToEnd();
        script.WaitForExit();
        if (script.ExitCode != 0)
        {
            throw new InvalidOperationException($"deploy/make-certs.sh failed ({script.ExitCode}): {errors.Result}");
        }
    }
}

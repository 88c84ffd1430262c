using System.Diagnostics;

namespace Orchestrator.Node.Nvmet;

/// <summary>
/// The kernel's recent P2PDMA and nvmet lines (<c>dmesg</c>): when the kernel refuses an enable it says why only in
/// its log ("... do not share an upstream bridge or whitelisted host bridge"). Reading it needs root or
/// <c>kernel.dmesg_restrict=0</c>; when it cannot be read, the answer says so instead of guessing.
/// </summary>
public class KernelLog
{
    public virtual string Recent(string provider)
    {
        try
        {
            using var dmesg = Process.Start(new ProcessStartInfo("dmesg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
            var output = dmesg.StandardOutput.ReadToEndAsync();
            if (!dmesg.WaitForExit(3000) || !output.Wait(1000))
            {
                dmesg.Kill();
                return "not read (dmesg did not answer within 3 s)";
            }
            if (dmesg.ExitCode != 0)
            {
                return $"not readable (dmesg exited {dmesg.ExitCode}: {dmesg.StandardError.ReadToEnd().Trim()})";
            }
            var lines = output.Result.Split('\n')
                .Where(l => l.Contains("p2p", StringComparison.OrdinalIgnoreCase) || l.Contains("nvmet", StringComparison.Ordinal) || l.Contains(provider, StringComparison.Ordinal))
                .TakeLast(6)
                .Select(l => l.Trim())
                .ToList();
            return lines.Count == 0 ? "no P2PDMA or nvmet lines" : string.Join(" | ", lines);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"not readable ({e.Message})";
        }
    }
}

namespace Orchestrator.RealKernel.Tests;

/// <summary>
/// The guest kit (<c>../shared/guest</c> beside the repository, read-only: a Linux 6.12 bzImage with P2PDMA and nvmet,
/// its <c>/init</c>, <c>build-initramfs.sh</c> and <c>run-guest.sh</c>) and the host tools it needs: QEMU
/// (<c>qemu-system-x86_64</c>), <c>cpio</c> and a static busybox (<c>/bin/busybox</c>, Debian's busybox-static).
/// <c>RK_GUEST_KIT</c> points elsewhere.
/// </summary>
internal static class GuestKit
{
    public const string Variable = "RK_GUEST_KIT";

    // Before Directory: static initializers run in order.
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>
    /// <c>RK_GUEST_KIT</c>, else the team's kit beside the repository, else <c>guest-kit/</c> in the repository: a
    /// verbatim copy (3 MB) so that a clean clone on a fresh CI machine boots the same kernel, as <c>fixtures/</c> is for the captures.
    /// </summary>
    public static string Directory { get; } =
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } over ? Path.GetFullPath(over)
        : System.IO.Directory.Exists(Path.Combine(RepoRoot, "..", "shared", "guest")) ? Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "guest"))
        : Path.Combine(RepoRoot, "guest-kit");

    /// <summary>Whether we run in CI (<c>CI</c> set and not <c>false</c>/<c>0</c>), where this test must run, never skip.</summary>
    public static bool InCi => Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci
        && !ci.Equals("false", StringComparison.OrdinalIgnoreCase) && ci != "0";

    /// <summary>What is missing to boot the guest, one reason per line; empty when everything is there.</summary>
    public static IReadOnlyList<string> Missing()
    {
        var missing = new List<string>();
        foreach (var file in new[] { "bzImage", "run-guest.sh", "build-initramfs.sh", "guest-init.sh" })
        {
            if (!File.Exists(Path.Combine(Directory, file)))
            {
                missing.Add($"the guest kit's {file} is not in {Directory} (set {Variable} to the kit's folder)");
            }
        }
        foreach (var tool in new[] { "qemu-system-x86_64", "cpio", "file", "ldd" })
        {
            if (OnPath(tool) is null)
            {
                missing.Add($"{tool} is not on PATH (apt-get install -y qemu-system-x86 busybox-static cpio; .ci/run installs them)");
            }
        }
        if (!IsStaticElf("/bin/busybox"))
        {
            missing.Add("/bin/busybox is missing or not statically linked (apt-get install -y busybox-static)");
        }
        return missing;
    }

    public static string? OnPath(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>An x86-64 ELF executable without a PT_INTERP program header (no dynamic loader: static).</summary>
    private static bool IsStaticElf(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F' || bytes[4] != 2)
            {
                return false;
            }
            var phoff = (long)BitConverter.ToUInt64(bytes, 0x20);
            int phentsize = BitConverter.ToUInt16(bytes, 0x36), phnum = BitConverter.ToUInt16(bytes, 0x38);
            for (var i = 0; i < phnum; i++)
            {
                var at = phoff + ((long)i * phentsize);
                if (at + 4 > bytes.Length)
                {
                    return false;
                }
                if (BitConverter.ToUInt32(bytes, (int)at) == 3)
                {
                    return false;
                }
            }
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no Orchestrator.sln above {AppContext.BaseDirectory}");
    }
}

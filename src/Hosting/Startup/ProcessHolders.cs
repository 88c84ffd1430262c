using System.Globalization;

namespace Orchestrator.Hosting.Startup;

/// <summary>
/// Which process holds a listening TCP port, from Linux's <c>/proc/net/tcp{,6}</c> (the socket's inode) and
/// <c>/proc/&lt;pid&gt;/fd</c> (who has that socket open), or a file, to name it when a start is refused. Another user's
/// processes may not be readable: then only "another process" is said.
/// </summary>
public static class ProcessHolders
{
    /// <summary>"process 1234 (dotnet Orchestrator.Controller.dll)", or null when it cannot be found.</summary>
    public static string? OfPort(int port)
    {
        var inodes = ListeningInodes(port);
        return inodes.Count == 0 ? null : OwnerOf(inodes.Select(i => $"socket:[{i}]").ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>Whether any socket listens on this TCP port (on any address).</summary>
    public static bool IsListening(int port) => ListeningInodes(port).Count > 0;

    /// <summary>The process (other than this one) that has <paramref name="path"/> open, or null.</summary>
    public static string? OfFile(string path) => OwnerOf([Path.GetFullPath(path)]);

    /// <summary>"process 1234 (…)" for a pid, with its command line where readable.</summary>
    public static string Describe(int pid)
    {
        var cmdline = Read($"/proc/{pid}/cmdline")?.Replace('\0', ' ').Trim();
        return string.IsNullOrEmpty(cmdline) ? $"process {pid}" : $"process {pid} ({(cmdline.Length > 120 ? cmdline[..120] + "…" : cmdline)})";
    }

    private static List<string> ListeningInodes(int port)
    {
        var inodes = new List<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in (Read(table) ?? string.Empty).Split('\n').Skip(1))
            {
                // sl local_address rem_address st ... inode: local is HEXADDR:HEXPORT, st 0A is LISTEN, inode is the 10th field
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && fields[3] == "0A" && fields[1].Split(':') is [_, var hex]
                    && int.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var p) && p == port)
                {
                    inodes.Add(fields[9]);
                }
            }
        }
        return inodes;
    }

    private static string? OwnerOf(HashSet<string> sockets)
    {
        foreach (var dir in SafeList("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }
            foreach (var fd in SafeList(Path.Combine(dir, "fd")))
            {
                try
                {
                    if (new FileInfo(fd).LinkTarget is { } target && sockets.Contains(target))
                    {
                        return Describe(pid);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // gone meanwhile, or not ours to read
                }
            }
        }
        return null;
    }

    private static IEnumerable<string> SafeList(string dir)
    {
        try
        {
            return Directory.GetFileSystemEntries(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

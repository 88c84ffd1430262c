namespace Orchestrator.Hosting.Startup;

/// <summary>
/// An exclusive lock beside a SQLite journal (<c>controller.db.lock</c>), held for the life of the process (issue 15):
/// a second process on the same file would write the same books beside the first. The lock is the kernel's (flock,
/// through <see cref="FileShare.None"/>), so a process that dies, even by SIGKILL, releases it; the holder is named
/// from who has the lock file open (<see cref="ProcessHolders"/>). Only in our programs' processes (<see cref="ProcessGuards"/>).
/// </summary>
public static class JournalLock
{
    private static readonly Dictionary<string, FileStream> Held = new(StringComparer.Ordinal);

    public static void Take(string sqlitePath)
    {
        if (!ProcessGuards.Enabled || sqlitePath.Length == 0 || sqlitePath == ":memory:")
        {
            return;
        }
        var path = Path.GetFullPath(sqlitePath) + ".lock";
        lock (Held)
        {
            if (Held.ContainsKey(path))
            {
                return;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            FileStream file;
            try
            {
                file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                throw new StartupRefusedException($"the journal {sqlitePath} is in use by {ProcessHolders.OfFile(path) ?? "another process"}: stop it, or give this process a journal of its own (--journal, or --data)");
            }
            Held[path] = file;
        }
    }
}

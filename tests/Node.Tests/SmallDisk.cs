using System.Diagnostics;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Node.Tests;

/// <summary>
/// A real small file system: a tmpfs of a few MiB mounted on a fresh folder (root only), unmounted at dispose. Where
/// mounting is not permitted the test is skipped with the reason, except with <c>CI</c> set, where it fails, as the
/// PostgreSQL cases do (<see cref="PostgresDatabase"/>).
/// </summary>
internal sealed class SmallDisk : IDisposable
{
    private readonly TempDirectory folder = new();

    private SmallDisk(string size)
    {
        Size = size;
    }

    /// <summary>The mount point.</summary>
    public string Path => folder.Path;

    public string Size { get; }

    /// <summary>The filler file <see cref="Fill"/> writes, in <see cref="Path"/>.</summary>
    public string Filler => folder.Combine("filler");

    public static SmallDisk Mount(string size)
    {
        var disk = new SmallDisk(size);
        var (code, error) = Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", disk.Path);
        if (code != 0)
        {
            disk.folder.Dispose();
            var reason = $"cannot mount a {size} tmpfs (mount exited {code}: {error.Trim()}); the full-disk tests need root or CAP_SYS_ADMIN";
            if (PostgresDatabase.InCi)
            {
                throw new InvalidOperationException($"full-disk tests must not be skipped in CI: {reason}");
            }
            throw new SkipException($"skipped: {reason}");
        }
        return disk;
    }

    /// <summary>Writes the filler file until at most <paramref name="leave"/> bytes are free (0: none at all); returns its size.</summary>
    public long Fill(long leave = 0)
    {
        var chunk = new byte[4096];
        using var file = new FileStream(Filler, FileMode.Append, FileAccess.Write, FileShare.Read, 1, FileOptions.WriteThrough);
        try
        {
            while (FreeBytes > leave)
            {
                file.Write(chunk);
            }
        }
        catch (IOException)
        {
            // ENOSPC: full. What fit of the last chunk stays; the file system has nothing left to give.
        }
        return new FileInfo(Filler).Length;
    }

    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    public void Dispose()
    {
        // Lazy: a process that still holds a file open (a journal being closed) must not keep the mount alive.
        Run("umount", "-l", Path);
        folder.Dispose();
    }

    private static (int Code, string Error) Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}

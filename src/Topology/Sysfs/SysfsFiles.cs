using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Orchestrator.Topology.Sysfs;

/// <summary>
/// Small, allocation-light reads of sysfs attributes and links. Discovery reads tens of thousands of tiny files,
/// so on Linux each read is a bare open/read/close through libc: .NET's FileStream and File.OpenHandle add an
/// fstat and a flock per file and an exception per missing file, which more than doubles discovery time
/// (benchmark P3). Elsewhere (tests on other systems) the portable path is used.
/// </summary>
internal static partial class SysfsFiles
{
    private const int ReadOnlyCloseOnExec = 0x80000;  // O_RDONLY | O_CLOEXEC
    private static readonly bool UseLibc = OperatingSystem.IsLinux();

    /// <summary>The attribute's text without its trailing newline, or null when the file does not exist.</summary>
    public static string? ReadText(string path)
    {
        Span<byte> buffer = stackalloc byte[512];
        var n = ReadInto(path, buffer);
        if (n < 0)
        {
            return null;
        }
        var span = buffer[..n];
        while (span.Length > 0 && (span[^1] == (byte)'\n' || span[^1] == 0))
        {
            span = span[..^1];
        }
        return Encoding.ASCII.GetString(span);
    }

    /// <summary>
    /// Reads up to <paramref name="max"/> bytes into a pooled buffer and hands the bytes to <paramref name="parse"/>;
    /// returns null when the file does not exist. Avoids a 4 KiB copy per config-space read.
    /// </summary>
    public static T? ReadBytes<T>(string path, int max, Func<ReadOnlySpan<byte>, T> parse)
        where T : struct
    {
        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var n = ReadInto(path, rented.AsSpan(0, max));
            return n < 0 ? null : parse(rented.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The target of a sysfs link. A live sysfs has real symlinks; a capture copied by a tool that does not keep
    /// links stores the target as the file's text (the fixtures in ../shared/fixtures/sysfs do). Both are links.
    /// </summary>
    public static string? ReadLink(string path)
    {
        var (target, absent) = ReadSymlink(path);
        if (target is not null || absent)
        {
            return target;
        }
        var text = ReadText(path);
        return text is not null && (text.StartsWith("../", StringComparison.Ordinal) || text.StartsWith('/')) ? text : null;
    }

    /// <summary>The last segment of a link's target (a driver name, an IOMMU group, a bdf), or null.</summary>
    public static string? ReadLinkName(string path)
        => ReadLink(path) is { } target ? Path.GetFileName(target.TrimEnd('/')) : null;

    /// <summary>A symlink's target; <c>Absent</c> when there is nothing at the path at all (no need to try it as text).</summary>
    private static (string? Target, bool Absent) ReadSymlink(string path)
    {
        if (!UseLibc)
        {
            var info = new FileInfo(path);
            return (info.LinkTarget, !info.Exists && info.LinkTarget is null);
        }
        Span<byte> buffer = stackalloc byte[1024];
        var n = Native.ReadLink(path, ref MemoryMarshal.GetReference(buffer), buffer.Length);
        if (n > 0)
        {
            return (Encoding.UTF8.GetString(buffer[..(int)n]), false);
        }
        return (null, Marshal.GetLastPInvokeError() is NoSuchFile or NotADirectory);
    }

    private const int NoSuchFile = 2;       // ENOENT
    private const int NotADirectory = 20;   // ENOTDIR

    /// <summary>Bytes read, or -1 when the file is absent or unreadable.</summary>
    private static int ReadInto(string path, Span<byte> buffer)
    {
        return UseLibc ? ReadWithLibc(path, buffer) : ReadPortable(path, buffer);
    }

    private static int ReadWithLibc(string path, Span<byte> buffer)
    {
        var fd = Native.Open(path, ReadOnlyCloseOnExec);
        if (fd < 0)
        {
            return -1;
        }
        try
        {
            var total = 0;
            while (total < buffer.Length)
            {
                var want = buffer.Length - total;
                var n = (int)Native.Read(fd, ref MemoryMarshal.GetReference(buffer[total..]), want);
                if (n < 0)
                {
                    return total == 0 ? -1 : total;  // EISDIR, EIO (a sysfs attribute can refuse): absent
                }
                total += n;
                if (n < want)
                {
                    break;  // a short read of a regular or sysfs file is its end: spare the read that returns 0
                }
            }
            return total;
        }
        finally
        {
            _ = Native.Close(fd);
        }
    }

    private static int ReadPortable(string path, Span<byte> buffer)
    {
        if (!File.Exists(path))
        {
            return -1;
        }
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            return -1;
        }
        using (handle)
        {
            var total = 0;
            while (total < buffer.Length)
            {
                var n = RandomAccess.Read(handle, buffer[total..], total);
                if (n <= 0)
                {
                    break;
                }
                total += n;
            }
            return total;
        }
    }

    private static partial class Native
    {
        [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "read")]
        public static partial nint Read(int fd, ref byte buffer, nint count);

        [LibraryImport("libc", EntryPoint = "close")]
        public static partial int Close(int fd);

        [LibraryImport("libc", EntryPoint = "readlink", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial nint ReadLink(string path, ref byte buffer, nint size);
    }
}

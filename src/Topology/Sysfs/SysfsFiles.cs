using System.Buffers;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Orchestrator.Topology.Sysfs;

/// <summary>
/// Small, allocation-light reads of sysfs attributes and links. Discovery reads tens of thousands of tiny
/// files, so this avoids FileStream and reads each file with one positional read.
/// </summary>
internal static class SysfsFiles
{
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

    /// <summary>The whole file (up to <paramref name="max"/> bytes), or null when it does not exist.</summary>
    public static byte[]? ReadBytes(string path, int max)
    {
        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var n = ReadInto(path, rented.AsSpan(0, max));
            return n < 0 ? null : rented.AsSpan(0, n).ToArray();
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
        var info = new FileInfo(path);
        if (info.LinkTarget is { } target)
        {
            return target;
        }
        if (!info.Exists || info.Length > 4096)
        {
            return null;
        }
        var text = ReadText(path);
        return text is not null && (text.StartsWith("../", StringComparison.Ordinal) || text.StartsWith('/')) ? text : null;
    }

    /// <summary>The last segment of a link's target (a driver name, an IOMMU group, a bdf), or null.</summary>
    public static string? ReadLinkName(string path)
        => ReadLink(path) is { } target ? Path.GetFileName(target.TrimEnd('/')) : null;

    private static int ReadInto(string path, Span<byte> buffer)
    {
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
}

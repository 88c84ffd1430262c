namespace Orchestrator.Node.Nvmet;

/// <summary>
/// One nvmet namespace's configfs attributes as read just now: whether it exists, what <c>p2pmem</c> reads (trimmed),
/// whether <c>enable</c> reads 1, or the problem that kept them from being read (the path, the message, the errno).
/// </summary>
public sealed record NamespaceReading(string Path, string? Missing, string? P2pmem, bool? Enabled, string? Problem, int? Errno)
{
    public bool Readable => Missing is null && Problem is null;
}

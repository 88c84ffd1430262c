namespace Orchestrator.Protocol.Api;

/// <summary>What the REST bridge serves by default and p2pctl assumes: defined here once for both.</summary>
public static class ApiDefaults
{
    /// <summary>Where the controller listens, and where p2pctl looks for it, unless told otherwise.</summary>
    public const string Url = "http://127.0.0.1:5080";

    /// <summary><c>GET /api/v1/placements</c>: a page without <c>limit</c> has this many at most.</summary>
    public const int PageLimit = 100;

    /// <summary>The largest <c>limit</c> a page may ask for.</summary>
    public const int MaxPageLimit = 1000;
}

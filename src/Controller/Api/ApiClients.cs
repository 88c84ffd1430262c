namespace Orchestrator.Controller.Api;

/// <summary>What a REST client may do. Each scope includes the ones before it.</summary>
public enum ApiScope
{
    /// <summary>Reads.</summary>
    Read,

    /// <summary>Place and release buffers.</summary>
    Place,

    /// <summary>Drain and undrain hosts and providers, and read the cluster's internals: members' addresses, the journal's endpoint.</summary>
    Admin,
}

/// <summary>A named REST client (<c>Orchestrator:Api:Clients:&lt;name&gt;</c>): its bearer token and what it may do.</summary>
public sealed class ApiClientOptions
{
    public string? Token { get; set; }

    /// <summary><c>read</c>, <c>place</c> or <c>admin</c> (default <c>place</c>): each includes the ones before it.</summary>
    public ApiScope Scope { get; set; } = ApiScope.Place;
}

/// <summary>The client a request was authenticated as: its name goes to the logs (never its token).</summary>
public sealed record ApiClient(string Name, ApiScope Scope)
{
    /// <summary>Nobody configured a token (a loopback controller): everything is allowed, and the logs say so.</summary>
    public static readonly ApiClient Anonymous = new("anonymous", ApiScope.Admin);

    private const string Item = "orchestrator.api-client";

    public bool May(ApiScope scope) => Scope >= scope;

    public static ApiClient? Of(Microsoft.AspNetCore.Http.HttpContext http) => http.Items.TryGetValue(Item, out var c) ? c as ApiClient : null;

    /// <summary>The name of the client that sent the request, for the logs and the placement history.</summary>
    public static string NameOf(Microsoft.AspNetCore.Http.HttpContext http) => Of(http)?.Name ?? Anonymous.Name;

    public void AttachTo(Microsoft.AspNetCore.Http.HttpContext http) => http.Items[Item] = this;
}

using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Controller.Hosting;

namespace Orchestrator.Controller.Api;

/// <summary>A setting that makes the REST bridge unsafe or unusable; the process refuses to start with it.</summary>
public sealed class ApiConfigurationException(string message) : Exception(message);

/// <summary>Bearer tokens on mutating endpoints; reads stay open (an operator's dashboards need no secret).</summary>
public static class ApiSecurity
{
    /// <summary>Throws when any listen address is not loopback and no token is configured.</summary>
    public static void RequireTokenOffLoopback(IEnumerable<string> urls, ApiOptions options)
    {
        if (options.EffectiveTokens.Count > 0)
        {
            return;
        }
        if (urls.FirstOrDefault(url => !IsLoopback(url)) is { } open)
        {
            throw new ApiConfigurationException(
                $"refusing to serve the REST bridge on {open} without a token: set --token (or Orchestrator__Api__Token) or listen on 127.0.0.1");
        }
    }

    /// <summary>
    /// Every address Kestrel is configured to listen on, from every source it reads: <c>urls</c> (<c>--urls</c>,
    /// <c>ASPNETCORE_URLS</c>), <c>HTTP_PORTS</c>/<c>HTTPS_PORTS</c> (all interfaces) and each
    /// <c>Kestrel:Endpoints:&lt;name&gt;:Url</c>; the default when none is set.
    /// </summary>
    public static IReadOnlyList<string> ConfiguredUrls(Microsoft.Extensions.Configuration.IConfiguration configuration, string fallback)
    {
        static IEnumerable<string> Split(string? value) => (value ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var urls = Split(configuration["urls"])
            .Concat(Split(configuration["HTTP_PORTS"]).Select(port => $"http://*:{port}"))
            .Concat(Split(configuration["HTTPS_PORTS"]).Select(port => $"https://*:{port}"))
            .Concat(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>())
            .ToList();
        return urls.Count > 0 ? urls : [fallback];
    }

    private static bool IsLoopback(string url)
    {
        // Kestrel accepts wildcards ("http://*:5080", "http://+:5080") that Uri does not parse as hosts: they bind everything.
        var hostStart = url.IndexOf("://", StringComparison.Ordinal);
        var rest = hostStart < 0 ? url : url[(hostStart + 3)..];
        var host = rest.StartsWith('[') ? rest[1..Math.Max(1, rest.IndexOf(']'))] : rest.Split(':', '/')[0];
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>
    /// Who sent the request: the named client whose token it presents, <see cref="ApiClient.Anonymous"/> when no token
    /// is configured (a loopback controller), or null (no token, or one this controller does not know).
    /// </summary>
    public static ApiClient? Authenticate(HttpContext http)
    {
        if (ApiClient.Of(http) is { } known)
        {
            return known;
        }
        var clients = http.RequestServices.GetRequiredService<ControllerOptions>().Api.EffectiveClients;
        ApiClient? client = clients.Count == 0 ? ApiClient.Anonymous : null;
        var header = http.Request.Headers.Authorization.ToString();
        if (client is null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var presented = Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim());
            foreach (var (name, token, scope) in clients)
            {
                // Every token is compared, in constant time each: the answer's timing says nothing about which one matched.
                if (CryptographicOperations.FixedTimeEquals(presented, Encoding.UTF8.GetBytes(token)))
                {
                    client ??= new ApiClient(name, scope);
                }
            }
        }
        client?.AttachTo(http);
        return client;
    }

    /// <summary>An endpoint filter: the request must come from a client with <paramref name="scope"/> (401 without a known token, 403 with too small a scope).</summary>
    public static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> Require(ApiScope scope) => async (context, next) =>
    {
        var http = context.HttpContext;
        if (Authenticate(http) is not { } client)
        {
            return http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                ? Problems.Unauthorized("the bearer token is not one this controller accepts")
                : Problems.Unauthorized("this endpoint changes state: send 'Authorization: Bearer <token>'");
        }
        return client.May(scope) ? await next(context)
            : Problems.Forbidden($"client '{client.Name}' has scope {client.Scope.ToString().ToLowerInvariant()}; this needs {scope.ToString().ToLowerInvariant()}");
    };

    /// <summary>Whether the request may see the cluster's internals (members' addresses, the journal's endpoint): scope <c>admin</c>, as they are what an attack on remoting or the database starts from.</summary>
    public static bool MaySeeInternals(HttpContext http) => Authenticate(http)?.May(ApiScope.Admin) == true;
}

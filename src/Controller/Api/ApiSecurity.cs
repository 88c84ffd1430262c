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
    public static void RequireTokenOffLoopback(string urls, ApiOptions options)
    {
        if (options.EffectiveTokens.Count > 0)
        {
            return;
        }
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IsLoopback(url))
            {
                throw new ApiConfigurationException(
                    $"refusing to serve the REST bridge on {url} without a token: set --token (or Orchestrator__Api__Token) or listen on 127.0.0.1");
            }
        }
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

    /// <summary>Requires <c>Authorization: Bearer &lt;token&gt;</c> matching a configured token, when any is configured.</summary>
    public static async ValueTask<object?> RequireToken(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var tokens = context.HttpContext.RequestServices.GetRequiredService<ControllerOptions>().Api.EffectiveTokens;
        if (tokens.Count == 0)
        {
            return await next(context);
        }
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.Unauthorized("this endpoint changes state: send 'Authorization: Bearer <token>'");
        }
        var presented = Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim());
        if (!tokens.Any(t => CryptographicOperations.FixedTimeEquals(presented, Encoding.UTF8.GetBytes(t))))
        {
            return Problems.Unauthorized("the bearer token is not one this controller accepts");
        }
        return await next(context);
    }
}

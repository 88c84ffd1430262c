using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Controller.Api;

/// <summary>One log line per change made through the REST bridge, naming the client that made it (never its token).</summary>
internal static class ApiAudit
{
    public static void Changed(HttpContext http, string what, params object?[] values)
    {
        var client = ApiClient.NameOf(http);
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Orchestrator.Api")
            .LogInformation(what + " (client {Client:l})", [.. values, client]);
    }
}

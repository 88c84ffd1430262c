using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Controller.Hosting;

namespace Orchestrator.Controller.Api;

/// <summary>
/// A token bucket per client on the endpoints that change state (ASP.NET's rate limiter): one runaway or hostile
/// client cannot fill the coordinator's mailbox and the journal for everyone. Keyed by the authenticated client's
/// name, or by the remote address when the request names none; answered 429 problem+json with <c>Retry-After</c>.
/// <c>Orchestrator:Api:MutationsPerSecond</c> (default 5,000, above the P6 target of 3,000/s for all clients
/// together; 0: off).
/// </summary>
public static class MutationRateLimit
{
    public const string Policy = "mutations";

    public static void AddMutationRateLimit(this IServiceCollection services) => services.AddRateLimiter(limiter =>
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.OnRejected = async (context, cancel) =>
        {
            context.HttpContext.Response.Headers.RetryAfter = "1";
            await Problems.TooManyRequests("this client sends changes faster than Orchestrator:Api:MutationsPerSecond allows; retry after a second")
                .ExecuteAsync(context.HttpContext);
        };
        limiter.AddPolicy(Policy, http =>
        {
            var perSecond = http.RequestServices.GetRequiredService<ControllerOptions>().Api.MutationsPerSecond;
            if (perSecond <= 0)
            {
                return RateLimitPartition.GetNoLimiter("off");
            }
            var key = ApiSecurity.Authenticate(http)?.Name ?? http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = perSecond,
                TokensPerPeriod = perSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
    });
}

using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace Orchestrator.Hosting.Remoting;

/// <summary>
/// Accepts a remoting peer only when its certificate chains to the cluster's own CA, whatever the machine's trust store
/// says: a certificate from a public CA, or a self-signed one, is refused. Host names are not checked (members reach
/// each other by service name, IP or container address; the CA is what makes a member). A refusal is logged at
/// Warning once per peer per minute, without a stack trace: a port scanner must not flood the log.
/// </summary>
public static class ClusterAuthority
{
    private static readonly LogThrottle Throttle = new(TimeSpan.FromMinutes(1));

    public static CertificateValidationCallback Validator(X509Certificate2 authority) => (certificate, _, peer, _, log) =>
    {
        var problem = Problem(certificate, authority);
        if (problem is not null && Throttle.ShouldLog(peer.Split(':')[0], DateTime.UtcNow))
        {
            log.Warning("remoting: refused peer {0}: {1}", peer, problem);
        }
        return problem is null;
    };

    /// <summary>Why the certificate is not one of the cluster's, or null when it is.</summary>
    public static string? Problem(X509Certificate2? certificate, X509Certificate2 authority)
    {
        if (certificate is null)
        {
            return "it presented no certificate";
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (!chain.Build(certificate))
        {
            var status = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            return $"certificate '{certificate.Subject}' is not issued by the cluster CA '{authority.Subject}' ({status})";
        }
        return chain.ChainElements[^1].Certificate.Thumbprint == authority.Thumbprint ? null
            : $"certificate '{certificate.Subject}' chains to '{chain.ChainElements[^1].Certificate.Subject}', not to the cluster CA";
    }
}

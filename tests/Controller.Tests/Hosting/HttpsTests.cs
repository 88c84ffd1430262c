using System.Net;
using System.Security.Cryptography.X509Certificates;
using Orchestrator.Controller.Hosting;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Controller.Tests.Hosting;

/// <summary>
/// HTTPS for the REST bridge by configuration alone (Kestrel's own <c>Kestrel:Endpoints</c> section), with a certificate
/// made by <c>deploy/make-certs.sh</c>: a client that trusts the cluster CA gets its answers, plain HTTP gets none.
/// </summary>
public sealed class HttpsTests
{
    [Fact]
    public async Task The_rest_bridge_serves_https_with_a_certificate_of_the_cluster_ca()
    {
        using var tls = new TempDirectory();
        ClusterCertificates.Make(tls.Path, "controller-1");
        using var data = new TempDirectory();
        var port = FreePorts.Next();
        var app = ControllerHost.Build(
            [$"--Kestrel:Endpoints:Https:Url=https://127.0.0.1:{port}", $"--Kestrel:Endpoints:Https:Certificate:Path={tls.Combine("controller-1.pfx")}",
             $"--Kestrel:Endpoints:Https:Certificate:Password={ClusterCertificates.Password}"],
            new ControllerOptions { Port = FreePorts.Next(), Data = data.Path });
        await app.StartAsync();
        try
        {
            var authority = X509CertificateLoader.LoadCertificateFromFile(tls.Combine("ca.crt"));
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, certificate, _, _) => Orchestrator.Hosting.Remoting.ClusterAuthority.Problem(certificate, authority) is null
                    && certificate!.GetNameInfo(X509NameType.DnsName, false) == "controller-1",
            };
            using var https = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}") };
            Assert.Equal(HttpStatusCode.OK, (await https.GetAsync("/healthz")).StatusCode);
            using var plain = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            await Assert.ThrowsAnyAsync<Exception>(() => plain.GetAsync("/healthz"));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}

using System.Reflection;
using System.Text.RegularExpressions;
using Orchestrator.Controller.AllInOne;
using Orchestrator.Controller.Api;
using Orchestrator.Controller.Hosting;
using Orchestrator.Node.Hosting;

namespace Orchestrator.Cluster.Tests.Compose;

/// <summary><c>docker-compose.yml</c> without Docker: it parses, names only files of the repository, and sets only settings the programs read.</summary>
public sealed partial class ComposeFileTests
{
    private static readonly ComposeFile Compose = ComposeFile.Load(ComposeCluster.ComposePath, ComposeCluster.Variables);

    /// <summary>The option classes behind each configuration section (ControllerOptions.From, NodeProgram.Main, ProcessProgram).</summary>
    private static readonly Dictionary<string, Type> Sections = new(StringComparer.Ordinal)
    {
        ["Controller"] = typeof(ControllerOptions),
        ["Node"] = typeof(NodeOptions),
        ["Api"] = typeof(ApiOptions),
        ["AllInOne"] = typeof(AllInOneOptions),
        ["Remoting"] = typeof(Orchestrator.Hosting.Remoting.RemotingSecurity),
    };

    [Fact]
    public void It_has_postgres_two_controllers_and_three_nodes()
    {
        Assert.Equal(["postgres", "controller-1", "controller-2", "node-1", "node-2", "node-3"], Compose.Services.Keys);
        Assert.All(Compose.Services.Values, s => Assert.Equal("unless-stopped", s.Restart));
        Assert.True(Compose.Services["postgres"].HasHealthcheck);
        Assert.Contains(Compose.Services["postgres"].Volumes, v => !v.IsBindMount && Compose.NamedVolumes.Contains(v.Source));
        Assert.Equal([new ComposePort(5080, 5080)], Compose.Services["controller-1"].Ports);
        Assert.Equal([new ComposePort(5081, 5080)], Compose.Services["controller-2"].Ports);
    }

    [Fact]
    public void Builds_and_mounts_name_files_that_exist()
    {
        var ignored = File.ReadAllLines(Path.Combine(FixturePaths(), ".dockerignore")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet(StringComparer.Ordinal);
        foreach (var service in Compose.Services.Values.Where(s => !s.IsPostgres))
        {
            var build = Assert.IsType<ComposeBuild>(service.Build);
            var context = Compose.Resolve(build.Context);
            Assert.True(Directory.Exists(context), $"{service.Name}: build context {context}");
            var dockerfile = Path.Combine(context, build.Dockerfile);
            Assert.True(File.Exists(dockerfile), $"{service.Name}: {dockerfile}");
            foreach (var line in File.ReadAllLines(dockerfile).Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal)))
            {
                var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                foreach (var source in words[1..^1])
                {
                    Assert.True(File.Exists(Path.Combine(context, source)) || Directory.Exists(Path.Combine(context, source)), $"{build.Dockerfile}: COPY {source} does not exist");
                    Assert.DoesNotContain(source.Split('/')[0] + (source.Contains('/', StringComparison.Ordinal) ? "/" : ""), ignored);
                }
            }
            Assert.Contains(File.ReadAllLines(dockerfile), l => l.StartsWith("USER ", StringComparison.Ordinal));
            Assert.True(File.Exists(ComposeCluster.EntryAssembly(Compose, service)), $"{service.Name}: the ENTRYPOINT's dll is not built");
            foreach (var volume in service.Volumes)
            {
                Assert.True(volume.IsBindMount && volume.ReadOnly, $"{service.Name}: {volume}");
                if (volume.Source.StartsWith(ComposeCluster.TlsSource, StringComparison.Ordinal))
                {
                    // Made by deploy/make-certs.sh before `docker compose up`: the CA, and this member's own certificate.
                    Assert.Contains(volume.Source[ComposeCluster.TlsSource.Length..], new[] { "ca.crt", $"{service.Name}.pfx" });
                    continue;
                }
                Assert.True(File.Exists(Compose.Resolve(volume.Source)), $"{service.Name}: {volume.Source}");
            }
            foreach (var dependency in service.DependsOn.Keys)
            {
                Assert.True(Compose.Services.ContainsKey(dependency), $"{service.Name} depends on unknown {dependency}");
            }
        }
        var controller = File.ReadAllText(Compose.Resolve("deploy/Dockerfile.controller"));
        Assert.Contains("HEALTHCHECK", controller, StringComparison.Ordinal);
        Assert.Contains("GET /healthz", controller, StringComparison.Ordinal);
        Assert.Equal(3, Compose.Services.Values.Count(s => s.Environment.TryGetValue("Orchestrator__Node__Topology", out var t) && s.Volumes.Any(v => v.Target == t)));
    }

    [Fact]
    public void Nodes_serve_health_checks_and_compose_checks_the_port_they_listen_on()
    {
        var nodes = Compose.Services.Values.Where(s => s.Environment.ContainsKey("Orchestrator__Node__Bind")).ToList();
        Assert.Equal(3, nodes.Count);
        // The listener needs ASP.NET Core's shared framework in the image.
        Assert.Contains(File.ReadAllLines(Compose.Resolve("deploy/Dockerfile.node")), l => l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:", StringComparison.Ordinal));
        foreach (var node in nodes)
        {
            var health = new Uri(node.Environment["Orchestrator__Node__Health"]);
            Assert.Equal(("http", "0.0.0.0"), (health.Scheme, health.Host));
            var test = string.Join(' ', Assert.IsAssignableFrom<IReadOnlyList<string>>(node.Healthcheck));
            Assert.Contains($"/dev/tcp/127.0.0.1/{health.Port} ", test, StringComparison.Ordinal);
            Assert.Contains("GET /healthz HTTP/1.1", test, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_environment_key_is_a_setting_the_programs_read()
    {
        foreach (var service in Compose.Services.Values)
        {
            foreach (var key in service.Environment.Keys)
            {
                if (service.IsPostgres)
                {
                    Assert.StartsWith("POSTGRES_", key, StringComparison.Ordinal);
                    continue;
                }
                if (key.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || key.StartsWith("DOTNET_", StringComparison.Ordinal))
                {
                    continue;
                }
                Assert.True(IsSetting(key), $"{service.Name}: {key} is not a setting the controller or the node reads");
            }
        }
    }

    [Fact]
    public void Services_advertise_their_own_name_and_share_the_seeds_and_the_database()
    {
        foreach (var service in Compose.Services.Values.Where(s => !s.IsPostgres))
        {
            var section = service.Environment.ContainsKey("Orchestrator__Controller__Bind") ? "Controller" : "Node";
            Assert.Equal("0.0.0.0", service.Environment[$"Orchestrator__{section}__Bind"]);
            Assert.Equal(service.Name, service.Environment[$"Orchestrator__{section}__PublicHostname"]);
            Assert.StartsWith("Host=postgres;", service.Environment[$"Orchestrator__{section}__Journal"], StringComparison.Ordinal);
            Assert.Equal("akka.ssl.tcp://orchestrator@controller-1:4053", service.Environment["Orchestrator__Cluster__Seeds__0"]);
            Assert.Equal("akka.ssl.tcp://orchestrator@controller-2:4053", service.Environment["Orchestrator__Cluster__Seeds__1"]);
            Assert.Equal("/etc/orchestrator/tls/member.pfx", service.Environment["Orchestrator__Remoting__Certificate"]);
            Assert.Equal("/etc/orchestrator/tls/ca.crt", service.Environment["Orchestrator__Remoting__Authority"]);
            Assert.Equal("true", service.Environment["Orchestrator__Logging__Json"]);
            if (section == "Controller")
            {
                Assert.Equal("false", service.Environment["Orchestrator__AllInOne__Enabled"]);
                Assert.Equal(ComposeCluster.Token, service.Environment["Orchestrator__Api__Token"]);
            }
        }
    }

    [Fact]
    public void Without_a_token_the_compose_file_does_not_interpolate()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ComposeFile.Load(ComposeCluster.ComposePath, new Dictionary<string, string>()));
        Assert.Contains("ORCHESTRATOR_API_TOKEN", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("${A}", "a")]
    [InlineData("x${MISSING:-d}y", "xdy")]
    [InlineData("${EMPTY:-d}", "d")]
    [InlineData("${EMPTY-d}", "")]
    [InlineData("$$A", "$A")]
    [InlineData("Password=${A:?need A};", "Password=a;")]
    public void Interpolation_follows_compose(string text, string expected)
        => Assert.Equal(expected, ComposeFile.Interpolate(text, new Dictionary<string, string> { ["A"] = "a", ["EMPTY"] = "" }));

    /// <summary><c>Orchestrator__Section__Property</c> of an option class, a seed, or the logging switch.</summary>
    private static bool IsSetting(string key)
    {
        if (SeedKey().IsMatch(key) || key == "Orchestrator__Logging__Json")
        {
            return true;
        }
        var parts = key.Split("__");
        return parts.Length == 3 && parts[0] == "Orchestrator" && Sections.TryGetValue(parts[1], out var type)
            && type.GetProperty(parts[2], BindingFlags.Public | BindingFlags.Instance) is { CanWrite: true };
    }

    private static string FixturePaths() => Orchestrator.Tests.Shared.FixturePaths.RepoRoot;

    [GeneratedRegex(@"^Orchestrator__Cluster__Seeds__\d+$")]
    private static partial Regex SeedKey();
}

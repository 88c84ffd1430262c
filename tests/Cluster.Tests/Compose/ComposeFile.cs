using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Cluster.Tests.Compose;

/// <summary>A volume of a service: <c>source:target[:ro]</c> (a bind mount when the source is a path).</summary>
internal sealed record ComposeVolume(string Source, string Target, bool ReadOnly)
{
    public bool IsBindMount => Source.StartsWith('.') || Source.StartsWith('/');
}

/// <summary>A published port: <c>host:container</c>.</summary>
internal sealed record ComposePort(int Host, int Container);

/// <summary>The build section of a service: context folder and Dockerfile, both relative to the compose file.</summary>
internal sealed record ComposeBuild(string Context, string Dockerfile);

/// <summary>One service of the compose file, with its variables already interpolated.</summary>
internal sealed record ComposeService(
    string Name,
    string? Image,
    ComposeBuild? Build,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<ComposePort> Ports,
    IReadOnlyList<ComposeVolume> Volumes,
    IReadOnlyDictionary<string, string> DependsOn,
    string? Restart,
    IReadOnlyList<string>? Healthcheck)
{
    public bool IsPostgres => Image?.StartsWith("postgres", StringComparison.Ordinal) == true;

    public bool HasHealthcheck => Healthcheck is not null;
}

/// <summary>
/// The subset of the Compose specification our <c>docker-compose.yml</c> uses, read with YamlDotNet: services with
/// image, build, environment (map or list), ports, volumes, depends_on (list or map with conditions), restart and
/// healthcheck (its <c>test</c>); <c>${VAR}</c>, <c>${VAR:-default}</c>, <c>${VAR-default}</c>, <c>${VAR:?error}</c>, <c>${VAR?error}</c>
/// and <c>$$</c> interpolation from the variables given (as <c>docker compose</c> does from the shell and <c>.env</c>).
/// </summary>
internal sealed partial class ComposeFile
{
    private ComposeFile(string path, IReadOnlyDictionary<string, ComposeService> services, IReadOnlyList<string> namedVolumes)
    {
        Path = path;
        Services = services;
        NamedVolumes = namedVolumes;
    }

    public string Path { get; }

    /// <summary>The folder relative paths are resolved against.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(Path)!;

    public IReadOnlyDictionary<string, ComposeService> Services { get; }

    public IReadOnlyList<string> NamedVolumes { get; }

    public string Resolve(string relative) => System.IO.Path.GetFullPath(System.IO.Path.Combine(Directory, relative));

    public static ComposeFile Load(string path, IReadOnlyDictionary<string, string> variables)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path, Encoding.UTF8))
        {
            stream.Load(reader);
        }
        var root = (YamlMappingNode)stream.Documents.Single().RootNode;
        var services = new Dictionary<string, ComposeService>(StringComparer.Ordinal);
        foreach (var (key, node) in Map(root, "services")?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
        {
            var name = ((YamlScalarNode)key).Value!;
            services[name] = Service(name, (YamlMappingNode)node, variables);
        }
        var volumes = Map(root, "volumes")?.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToList() ?? [];
        return new ComposeFile(System.IO.Path.GetFullPath(path), services, volumes);
    }

    private static ComposeService Service(string name, YamlMappingNode node, IReadOnlyDictionary<string, string> variables)
    {
        string? Text(YamlNode? n) => n is YamlScalarNode { Value: { } v } ? Interpolate(v, variables) : null;

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (Child(node, "environment"))
        {
            case YamlMappingNode map:
                foreach (var (k, v) in map.Children)
                {
                    environment[((YamlScalarNode)k).Value!] = Text(v) ?? "";
                }
                break;
            case YamlSequenceNode list:
                foreach (var item in list.Children.Select(Text).OfType<string>())
                {
                    var eq = item.IndexOf('=', StringComparison.Ordinal);
                    environment[eq < 0 ? item : item[..eq]] = eq < 0 ? "" : item[(eq + 1)..];
                }
                break;
        }

        ComposeBuild? build = Child(node, "build") switch
        {
            YamlScalarNode context => new ComposeBuild(Text(context)!, System.IO.Path.Combine(Text(context)!, "Dockerfile")),
            YamlMappingNode map => new ComposeBuild(Text(Child(map, "context")) ?? ".", Text(Child(map, "dockerfile")) ?? "Dockerfile"),
            _ => null,
        };

        var ports = (Child(node, "ports") as YamlSequenceNode)?.Children.Select(Text).OfType<string>().Select(p =>
        {
            var parts = p.Split(':');
            return new ComposePort(int.Parse(parts[^2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[^1].Split('/')[0], System.Globalization.CultureInfo.InvariantCulture));
        }).ToList() ?? [];

        var volumes = (Child(node, "volumes") as YamlSequenceNode)?.Children.Select(Text).OfType<string>().Select(v =>
        {
            var parts = v.Split(':');
            return new ComposeVolume(parts[0], parts.Length > 1 ? parts[1] : parts[0], parts.Length > 2 && parts[2].Split(',').Contains("ro"));
        }).ToList() ?? [];

        var dependsOn = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (Child(node, "depends_on"))
        {
            case YamlSequenceNode list:
                foreach (var item in list.Children.Select(Text).OfType<string>())
                {
                    dependsOn[item] = "service_started";
                }
                break;
            case YamlMappingNode map:
                foreach (var (k, v) in map.Children)
                {
                    dependsOn[((YamlScalarNode)k).Value!] = Text(Child(v as YamlMappingNode, "condition")) ?? "service_started";
                }
                break;
        }

        IReadOnlyList<string>? healthcheck = Child(node, "healthcheck") is YamlMappingNode check
            ? Child(check, "test") switch
            {
                YamlSequenceNode words => words.Children.Select(Text).OfType<string>().ToList(),
                YamlScalarNode command => ["CMD-SHELL", Text(command)!],
                _ => [],
            }
            : null;

        return new ComposeService(name, Text(Child(node, "image")), build, environment, ports, volumes, dependsOn, Text(Child(node, "restart")), healthcheck);
    }

    private static YamlMappingNode? Map(YamlMappingNode node, string key) => Child(node, key) as YamlMappingNode;

    private static YamlNode? Child(YamlMappingNode? node, string key)
        => node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    /// <summary>Compose's variable interpolation; a <c>:?</c>/<c>?</c> variable that is missing throws with its message, as compose does.</summary>
    public static string Interpolate(string value, IReadOnlyDictionary<string, string> variables) => Variable().Replace(value, m =>
    {
        if (m.Value == "$$")
        {
            return "$";
        }
        var name = m.Groups["name"].Value;
        var op = m.Groups["op"].Value;
        var arg = m.Groups["arg"].Value;
        var found = variables.TryGetValue(name, out var v);
        var usable = op.StartsWith(':') ? found && v!.Length > 0 : found;
        return op switch
        {
            "" => v ?? "",
            ":-" or "-" => usable ? v! : arg,
            ":?" or "?" => usable ? v! : throw new InvalidOperationException($"required variable {name} is missing a value: {arg}"),
            _ => throw new InvalidOperationException($"unsupported interpolation {m.Value}"),
        };
    });

    [GeneratedRegex(@"\$\$|\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?<op>:-|-|:\?|\?)(?<arg>[^}]*))?\}|\$(?<name>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Variable();
}

using System.Text.Json;
using Orchestrator.Cli.Tests.Remote;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Cli.Tests.Commands;

/// <summary><c>-o table|wide|json|yaml</c> on every listing (issue 15, part 4).</summary>
public sealed class OutputFormatTests(ControllerFixture controller) : IClassFixture<ControllerFixture>
{
    [Fact]
    public void Yaml_carries_the_same_fields_and_values_as_json_with_strings_quoted()
    {
        var json = CliRun.Of("topo", "tree", "--sysfs", CliRun.Sysfs("two-switches"), "-o", "json");
        var yaml = CliRun.Of("topo", "tree", "--sysfs", CliRun.Sysfs("two-switches"), "-o", "yaml");
        Assert.True(yaml.ExitCode == 0, yaml.Stderr);
        Assert.Contains("address: \"0000:03:00.0\"", yaml.Stdout, StringComparison.Ordinal);
        Assert.Contains("class: \"010802\"", yaml.Stdout, StringComparison.Ordinal);
        Assert.Equal(Normal(json.Json()), Normal(Yaml(yaml.Stdout)));
    }

    [Theory]
    [InlineData("hosts")]
    [InlineData("hosts", "show", "storage-01")]
    [InlineData("placements", "ls")]
    public void Every_listing_prints_yaml_equal_to_its_json(params string[] command)
    {
        var json = controller.Run([.. command, "-o", "json"]);
        var yaml = controller.Run([.. command, "-o", "yaml"]);
        Assert.True(yaml.ExitCode == 0, yaml.Stderr);
        Assert.Equal(Normal(json.Json()), Normal(Yaml(yaml.Stdout)));
    }

    [Fact]
    public void Wide_adds_columns_to_the_host_and_placement_tables()
    {
        var hosts = controller.Run("hosts", "-o", "wide");
        Assert.True(hosts.ExitCode == 0, hosts.Stderr);
        var header = hosts.Stdout.Split('\n')[0];
        Assert.Matches(@"CAPACITY +LARGEST FREE +ALLOCATIONS +UNKNOWN BUFFERS +MEMBER$", header);
        Assert.Equal(ControllerFixture.Hosts.Length + 1, hosts.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var pools = controller.Run("hosts", "show", "storage-01", "-o", "wide");
        Assert.Contains("KERNEL SIZE  KERNEL AVAILABLE  FRAGMENTATION  PUBLISHED  STATE", pools.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"\n0000:04:00\.0 .* 256 MiB +255\.9 MiB +0\.00 +yes +ok\n", pools.Stdout);

        Assert.Equal(0, controller.Run("placements", "place", "--host", "storage-03", "--client", "0000:01:00.0", "--size", "4KiB", "--request-id", "wide-1").ExitCode);
        var placements = controller.Run("placements", "ls", "--host", "storage-03", "-o", "wide");
        Assert.Matches(@"CLIENTS +OFFSET +LENGTH +MODE +NVMEOF +NAMESPACE DEVICE +REASON\n", placements.Stdout);
        Assert.Matches(@"\nwide-1 +storage-03 .* 0000:01:00\.0 +\d+ +4096 +orchestrator +- +- +-\n", placements.Stdout);
    }

    [Fact]
    public void Json_and_another_format_together_and_an_unknown_format_are_refused()
    {
        var both = CliRun.Of("topo", "tree", "--sysfs", CliRun.Sysfs("two-switches"), "--json", "-o", "yaml");
        Assert.Equal(2, both.ExitCode);
        Assert.Equal("p2pctl: --json and -o yaml contradict each other: give one\n", both.Stderr);

        var xml = CliRun.Of("topo", "matrix", "--sysfs", CliRun.Sysfs("two-switches"), "-o", "xml");
        Assert.Equal(2, xml.ExitCode);
        Assert.Contains("'xml'", xml.Stderr, StringComparison.Ordinal);
        Assert.Contains("table", xml.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A YAML document as the JSON it stands for: mappings, sequences, and scalars typed as a YAML 1.2 core reader types them.</summary>
    private static JsonElement Yaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return JsonSerializer.SerializeToElement(Plain(stream.Documents[0].RootNode));
    }

    private static object? Plain(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => Plain(c.Value)),
        YamlSequenceNode list => list.Children.Select(Plain).ToList(),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.DoubleQuoted or YamlDotNet.Core.ScalarStyle.SingleQuoted } s => s.Value,
        YamlScalarNode { Value: "true" or "false" } b => b.Value == "true",
        YamlScalarNode { Value: null or "" or "null" or "~" } => null,
        YamlScalarNode s when long.TryParse(s.Value, System.Globalization.CultureInfo.InvariantCulture, out var whole) => whole,
        YamlScalarNode s => double.Parse(s.Value!, System.Globalization.CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException($"unexpected YAML node {node.NodeType}"),
    };

    /// <summary>Numbers compared by value (1.0 in JSON, 1 in YAML), everything else as written.</summary>
    private static string Normal(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(",", e.EnumerateObject().Select(p => $"{p.Name}:{Normal(p.Value)}")) + "}",
        JsonValueKind.Array => "[" + string.Join(",", e.EnumerateArray().Select(Normal)) + "]",
        JsonValueKind.Number => e.GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => e.GetRawText(),
    };
}

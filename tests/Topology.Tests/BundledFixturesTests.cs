using Orchestrator.Tests.Shared;

namespace Orchestrator.Topology.Tests;

public class BundledFixturesTests
{
    [Fact]
    public void The_bundled_copy_is_byte_identical_to_the_shared_fixtures_where_both_exist()
    {
        Assert.True(Directory.Exists(FixturePaths.Bundled), $"{FixturePaths.Bundled} is missing");
        if (!Directory.Exists(FixturePaths.Shared))
        {
            return;  // a clean clone on a fresh machine: only the bundled copy exists, and it is what the tests read
        }
        var shared = Directory.GetFiles(FixturePaths.Shared, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(FixturePaths.Shared, f)).Order().ToList();
        var bundled = Directory.GetFiles(FixturePaths.Bundled, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(FixturePaths.Bundled, f)).Order().ToList();
        Assert.Equal(shared, bundled);
        foreach (var file in shared)
        {
            Assert.True(
                File.ReadAllBytes(Path.Combine(FixturePaths.Shared, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(FixturePaths.Bundled, file))),
                $"fixtures/{file} differs from ../shared/fixtures/{file}: copy it again, unchanged");
        }
    }
}

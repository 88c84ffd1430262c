using System.Globalization;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Orchestrator.Controller.Tests.Api;
using Orchestrator.Protocol.Api;
using Orchestrator.Protocol.Controller;
using Orchestrator.Tests.Shared;
using Xunit.Abstractions;

namespace Orchestrator.Controller.Tests.Placement;

/// <summary>
/// Issue 14, part 1: the journal database stays bounded over a long create/release run (old snapshots and the journal
/// rows they make redundant are deleted, on the coordinator and on the pool), and a restart still restores every
/// live placement exactly. The real all-in-one controller on a SQLite journal, through REST.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BoundedJournalTests(ITestOutputHelper output) : IDisposable
{
    private const string Host = ExactPoolApp.OnePool;
    private static readonly string[] Client = ["0000:01:00.1"];
    private readonly TempDirectory data = new();

    public void Dispose() => data.Dispose();

    [Fact]
    public async Task Storage_stays_bounded_over_a_long_run_and_recovery_restores_every_live_placement()
    {
        var live = new Dictionary<string, (long Offset, long Length)>(StringComparer.Ordinal);
        (long Bytes, long Journal, long Snapshots, long MaxSnapshotsPerId) half, end;
        await using (var app = await BoundedApp.Start(data.Path))
        {
            var rest = new PlacementRest(app.CreateClient(), app.Json);
            for (var i = 0; i < 10; i++)
            {
                var p = (await rest.Placed(Host, Client, 64 * 1024, $"live-{i}")).Placement;
                live[p.PlacementId] = (p.Offset!.Value, p.Length!.Value);
            }
            await Cycles(rest, 0, 400);
            half = await Settled(data.Path);
            await Cycles(rest, 400, 800);
            end = await Settled(data.Path);
        }
        output.WriteLine($"after 400 cycles: {half}; after 800: {end}");
        // ~6 journal rows per cycle (4 coordinator events, 2 pool events): 4,800 rows without deletion.
        Assert.True(end.Journal <= 600, $"{end.Journal} journal rows after 800 cycles: old rows are not deleted");
        Assert.True(end.MaxSnapshotsPerId <= 2, $"{end.MaxSnapshotsPerId} snapshots of one actor: old snapshots are not deleted");
        Assert.True(end.Journal <= half.Journal + 100, $"journal rows grew from {half.Journal} to {end.Journal} between 400 and 800 cycles");
        // The file does not shrink after deletes, but SQLite reuses the freed pages: the second 400 cycles add next to nothing.
        var perCycle = (end.Bytes - half.Bytes) / 400.0;
        output.WriteLine($"database growth in the second half: {perCycle:0} bytes per create+release cycle");
        Assert.True(perCycle <= 4096, $"the database grew {perCycle:0} bytes per cycle at steady state (target ≤ 4 KB)");

        await using (var again = await BoundedApp.Start(data.Path))
        {
            var client = again.CreateClient();
            var page = (await client.GetFromJsonAsync<PlacementPage>($"/api/v1/placements?host={Host}&state=committed&limit=100", again.Json))!;
            Assert.Equal(live.Keys.Order(StringComparer.Ordinal), page.Items.Select(p => p.PlacementId).Order(StringComparer.Ordinal));
            Assert.All(page.Items, p => Assert.Equal(live[p.PlacementId], (p.Offset!.Value, p.Length!.Value)));
            var rest = new PlacementRest(client, again.Json);
            var pool = Assert.Single((await rest.NodePools(Host)).Pools);
            Assert.Equal(live.Count, pool.AllocationCount);
            // A new buffer lands beside the recovered ones, never on them.
            var fresh = (await rest.Placed(Host, Client, 64 * 1024, "after-restart")).Placement;
            Assert.All(live.Values, held => Assert.True(fresh.Offset >= held.Offset + held.Length || fresh.Offset + fresh.Length <= held.Offset,
                $"the new buffer at {fresh.Offset} overlaps a recovered one at {held.Offset}"));
            // A placement released before the restart and still remembered answers as released, not as unknown.
            var released = await client.GetFromJsonAsync<PlacementView>("/api/v1/placements/cycle-799", again.Json);
            Assert.Equal(PlacementState.Released, released!.State);
        }
    }

    private static async Task Cycles(PlacementRest rest, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            var id = "cycle-" + i.ToString(CultureInfo.InvariantCulture);
            await rest.Placed(Host, Client, 4096, id);
            await rest.Release(id);
        }
    }

    /// <summary>The database's size (file and WAL) and rows, once the deletes the last snapshot asked for have run.</summary>
    private static async Task<(long Bytes, long Journal, long Snapshots, long MaxSnapshotsPerId)> Settled(string folder)
    {
        var file = Path.Combine(folder, "controller.db");
        (long, long, long, long) last = default;
        // Deletes run after the snapshot that asks for them, and queue behind other writes on a loaded machine: settled
        // means unchanged for a whole second, within 20 s.
        var stable = 0;
        for (var i = 0; i < 100 && stable < 5; i++)
        {
            await Task.Delay(200);
            using var db = new SqliteConnection($"Data Source={file};Mode=ReadOnly");
            db.Open();
            long Count(string sql)
            {
                using var command = db.CreateCommand();
                command.CommandText = sql;
                return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            }
            var now = (new FileInfo(file).Length + (File.Exists(file + "-wal") ? new FileInfo(file + "-wal").Length : 0),
                Count("select count(*) from journal"), Count("select count(*) from snapshot"),
                Count("select coalesce(max(n), 0) from (select count(*) as n from snapshot group by persistence_id)"));
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
        return last;
    }

    /// <summary>The one-pool host with small retention figures, so that 800 cycles reach the steady state.</summary>
    private sealed class BoundedApp(string folder) : ControllerApp
    {
        protected override string Topologies => Path.Combine(FixturePaths.RepoRoot, "tests", "Controller.Tests", "Placement", "Hosts");

        protected override IReadOnlyList<string> Hosts => [Host];

        public static async Task<BoundedApp> Start(string folder)
        {
            var app = new BoundedApp(folder);
            await app.InitializeAsync();
            return app;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Orchestrator:Controller:Data", folder);
            builder.UseSetting("Orchestrator:Controller:SnapshotEvery", "20");
            builder.UseSetting("Orchestrator:Controller:KeepFinished", "50");
            builder.UseSetting("Orchestrator:Controller:HistoryEvents", "100");
        }
    }
}

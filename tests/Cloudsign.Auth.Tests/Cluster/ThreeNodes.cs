using Cloudsign.Auth.Tests.Fixtures;

namespace Cloudsign.Auth.Tests.Cluster;

/// <summary>
/// Three <c>cloudsign-auth</c> processes on one new database of the shared PostgreSQL cluster,
/// started at once, plus an in-process host on the same database that creates accounts and keys.
/// The nodes reload signing keys every <see cref="ReloadInterval"/>.
/// </summary>
public sealed class ThreeNodes : IAsyncLifetime
{
    public static readonly TimeSpan ReloadInterval = TimeSpan.FromSeconds(2);

    private readonly List<ServerNode> _nodes = [];

    public string ConnectionString { get; } = PostgresCluster.Shared.CreateDatabase();

    public IReadOnlyList<ServerNode> Nodes => _nodes;

    public ServerNode A => _nodes[0];

    public ServerNode B => _nodes[1];

    public ServerNode C => _nodes[2];

    /// <summary>A host on the nodes' database, used only to create accounts and keys.</summary>
    public CloudsignFactory Admin { get; private set; } = null!;

    /// <summary>Two more in-process hosts on the same database, each with a connection pool of its own.</summary>
    public CloudsignFactory SecondAdmin { get; private set; } = null!;

    public CloudsignFactory ThirdAdmin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var starts = Enumerable.Range(0, 3)
            .Select(_ => ServerNode.StartAsync(ConnectionString, $"--Signing:ReloadInterval={ReloadInterval}"))
            .ToList();
        try
        {
            _nodes.AddRange(await Task.WhenAll(starts));
        }
        catch
        {
            foreach (var start in starts.Where(s => s.IsCompletedSuccessfully))
            {
                await start.Result.DisposeAsync();
            }

            throw;
        }

        Admin = new CloudsignFactory(TestProvider.PostgreSql, ConnectionString);

        // A different Application Name makes Npgsql keep a separate pool for each host.
        SecondAdmin = new CloudsignFactory(TestProvider.PostgreSql, ConnectionString + ";Application Name=host-b");
        ThirdAdmin = new CloudsignFactory(TestProvider.PostgreSql, ConnectionString + ";Application Name=host-c");

        // A factory starts its host on first use, which is not safe from several threads at once.
        foreach (var host in new[] { Admin, SecondAdmin, ThirdAdmin })
        {
            _ = host.Services;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        foreach (var host in new[] { Admin, SecondAdmin, ThirdAdmin })
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }
    }
}

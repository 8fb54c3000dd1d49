using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Cloudsign.Auth.Tests.Fixtures;

/// <summary>
/// A throwaway PostgreSQL cluster made with the machine's own server binaries (<c>pg_config --bindir</c>)
/// in a temporary folder, listening on a free port of 127.0.0.1 only, with trust authentication for
/// that address and no Unix socket. When the tests run as root the server runs as the
/// <c>postgres</c> user, because PostgreSQL refuses to run as root. Starting fails with the server's
/// own output when the binaries are missing or the server does not start: the tests never skip.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    private const string ServiceUser = "postgres";

    private static PostgresCluster? _shared;

    private readonly string _folder = Directory.CreateTempSubdirectory("cloudsign-pg-").FullName;
    private readonly bool _isShared;
    private string _binFolder = "";

    /// <summary>Creates the run's shared cluster; xunit makes it once for the <see cref="PostgresTestGroup"/>.</summary>
    public PostgresCluster()
        : this(isShared: true)
    {
    }

    private PostgresCluster(bool isShared) => _isShared = isShared;

    /// <summary>Starts a cluster of its own, for a test that stops and restarts the server.</summary>
    public static async Task<PostgresCluster> StartStandaloneAsync()
    {
        var cluster = new PostgresCluster(isShared: false);
        await cluster.InitializeAsync();
        return cluster;
    }

    /// <summary>The cluster of the <see cref="PostgresTestGroup"/>, once it has started.</summary>
    public static PostgresCluster Shared => _shared
        ?? throw new InvalidOperationException($"The shared PostgreSQL cluster has not started; put the test class in [Collection({nameof(PostgresTestGroup)}.Name)].");

    public int Port { get; } = FreeLoopbackPort();

    private string DataFolder => Path.Combine(_folder, "data");

    private string LogFile => Path.Combine(_folder, "server.log");

    /// <summary>Initializes the cluster and starts the server.</summary>
    public async Task InitializeAsync()
    {
        _binFolder = await FindBinFolderAsync();
        if (IsRoot)
        {
            await RunAsync("chown", ["-R", ServiceUser, _folder], asServiceUser: false);
        }

        await RunAsync(Path.Combine(_binFolder, "initdb"),
            ["-D", DataFolder, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync", "--no-instructions"],
            asServiceUser: true);

        // Only TCP connections from 127.0.0.1 are accepted.
        await File.WriteAllTextAsync(Path.Combine(DataFolder, "pg_hba.conf"), "host all all 127.0.0.1/32 trust\n");
        if (IsRoot)
        {
            await RunAsync("chown", [ServiceUser, Path.Combine(DataFolder, "pg_hba.conf")], asServiceUser: false);
        }

        await StartAsync();
        if (_isShared)
        {
            _shared = this;
        }
    }

    /// <summary>Starts the server and waits until it accepts connections.</summary>
    public Task StartAsync() => RunAsync(Path.Combine(_binFolder, "pg_ctl"),
        [
            "-D", DataFolder, "-l", LogFile, "-w", "-t", "60", "start",

            // The cluster is thrown away after the run, so durability settings are off for speed.
            "-o", $"-c listen_addresses=127.0.0.1 -p {Port} -c unix_socket_directories='' -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
        ],
        asServiceUser: true);

    /// <summary>
    /// Stops the server, dropping every connection as an outage would. A fast shutdown, not an
    /// immediate one: with fsync and synchronous_commit off for speed, an immediate stop can lose
    /// the last commits, and the restarted database would no longer hold the test's key.
    /// </summary>
    public Task StopAsync() =>
        RunAsync(Path.Combine(_binFolder, "pg_ctl"), ["-D", DataFolder, "-w", "-m", "fast", "stop"], asServiceUser: true);

    /// <summary>Creates an empty database and returns its connection string.</summary>
    /// <remarks>Synchronous, because test fixtures are made in constructors.</remarks>
    public string CreateDatabase()
    {
        var name = $"cloudsign_{Guid.NewGuid():N}";
        using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            command.ExecuteNonQuery();
        }

        return ConnectionString(name);
    }

    /// <summary>
    /// The connection string of <paramref name="database"/>, with the short timeouts that the
    /// deployment guide recommends, so that an outage fails requests quickly.
    /// </summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=3;Command Timeout=10;Maximum Pool Size=40";

    public async Task DisposeAsync()
    {
        if (_shared == this)
        {
            _shared = null;
        }

        NpgsqlConnection.ClearAllPools();
        if (_binFolder.Length > 0 && File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
        {
            await StopAsync();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the stopping server; the temporary folder is cleaned by the OS.
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static async Task<string> FindBinFolderAsync()
    {
        string output;
        try
        {
            output = await RunAsync("pg_config", ["--bindir"], asServiceUser: false);
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException(
                "PostgreSQL server binaries are required by the PostgreSQL tests, but pg_config was not found; install them (apt-get install postgresql).",
                exception);
        }

        var folder = output.Trim();
        if (!File.Exists(Path.Combine(folder, "initdb")) || !File.Exists(Path.Combine(folder, "pg_ctl")))
        {
            throw new InvalidOperationException(
                $"pg_config --bindir returned {folder}, which holds no initdb or pg_ctl; install the PostgreSQL server (apt-get install postgresql).");
        }

        return folder;
    }

    private static async Task<string> RunAsync(string fileName, IReadOnlyList<string> arguments, bool asServiceUser)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,

            // The service user cannot read the root user's working folder.
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asServiceUser && IsRoot)
        {
            start.FileName = "runuser";
            foreach (var argument in new[] { "-u", ServiceUser, "--", fileName })
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = fileName;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"{fileName} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: {await error} {await output}");
        }

        return await output;
    }

    /// <summary>Returns a port that nothing listens on now; another process could still take it first.</summary>
    internal static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// The tests that share the run's one PostgreSQL cluster. They run one class at a time, each on a
/// database of its own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresTestGroup : ICollectionFixture<PostgresCluster>
{
    public const string Name = "PostgreSQL";
}

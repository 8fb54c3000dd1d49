using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Cloudsign.Auth.Tests.Fixtures;

/// <summary>
/// A real <c>cloudsign-auth</c> process, built beside the tests, serving on a free port of
/// 127.0.0.1 against a given PostgreSQL database: one node of a multi-node deployment. Its output
/// lines go to the <see cref="SecretLedger"/>, so the leak test covers the nodes too.
/// </summary>
public sealed class ServerNode : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServerNode(Process process, int port)
    {
        _process = process;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    /// <summary>A client whose base address is this node.</summary>
    public HttpClient Client { get; }

    /// <summary>The process's output so far, for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Starts a node on <paramref name="connectionString"/> and waits until <c>/health/ready</c> returns 200.</summary>
    public static async Task<ServerNode> StartAsync(string connectionString, params string[] settings)
    {
        var node = Launch(connectionString, settings);
        try
        {
            await node.WaitUntilReadyAsync();
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a node without waiting for it.</summary>
    public static ServerNode Launch(string connectionString, params string[] settings)
    {
        var port = PostgresCluster.FreeLoopbackPort();
        var start = Executable.StartInfo(connectionString);
        foreach (var argument in new[] { "serve", "--urls", $"http://127.0.0.1:{port}", "--RateLimiting:Enabled=false" }.Concat(settings))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("cloudsign-auth did not start.");
        var node = new ServerNode(process, port);
        process.OutputDataReceived += (_, line) => node.Record(line.Data);
        process.ErrorDataReceived += (_, line) => node.Record(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Polls <c>/health/ready</c> until it returns 200, failing with the node's output after a minute.</summary>
    public async Task WaitUntilReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ReadyTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Node on port {Port} exited with code {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await Client.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Node on port {Port} was not ready within {ReadyTimeout}:\n{Output}");
    }

    /// <summary>The <c>kid</c> values of the node's JWKS.</summary>
    public async Task<IReadOnlyList<string>> PublishedKeyIdsAsync()
    {
        using var document = JsonDocument.Parse(await Client.GetStringAsync("/.well-known/jwks.json"));
        return document.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        SecretLedger.RecordLogLine(line);
    }
}

/// <summary>The <c>cloudsign-auth</c> executable of this build, for node processes and CLI runs.</summary>
public static class Executable
{
    /// <summary>
    /// The server's own build output (<c>src/Cloudsign.Auth/bin/CONFIGURATION/net10.0</c>), in the
    /// configuration the tests were built in.
    /// </summary>
    public static string DllPath { get; } = FindDll();

    /// <summary>A start for <c>dotnet cloudsign-auth.dll</c> on <paramref name="connectionString"/>, with output redirected.</summary>
    public static ProcessStartInfo StartInfo(string connectionString)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(DllPath);
        start.Environment["CLOUDSIGN_Storage__Provider"] = "postgresql";
        start.Environment["CLOUDSIGN_Storage__ConnectionString"] = connectionString;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return start;
    }

    /// <summary>Runs an operator command and returns its standard output, failing on a non-zero exit code.</summary>
    public static async Task<string> RunAsync(string connectionString, params string[] arguments)
    {
        var result = await TryRunAsync(connectionString, arguments);
        return result.ExitCode == 0
            ? result.Output
            : throw new InvalidOperationException(
                $"cloudsign-auth {string.Join(' ', arguments)} failed with exit code {result.ExitCode}: {result.Error}");
    }

    /// <summary>Runs an operator command and returns its exit code and output.</summary>
    public static async Task<CommandResult> TryRunAsync(string connectionString, params string[] arguments)
    {
        var start = StartInfo(connectionString);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cloudsign-auth did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CommandResult(process.ExitCode, await output, await error);
    }

    private static string FindDll()
    {
        // The tests run from tests/Cloudsign.Auth.Tests/bin/CONFIGURATION/net10.0/.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testOutput.Parent!.Name;
        var root = testOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Cloudsign.Auth.slnx")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException($"No Cloudsign.Auth.slnx above {AppContext.BaseDirectory}.");
        }

        var dll = Path.Combine(root.FullName, "src", "Cloudsign.Auth", "bin", configuration, "net10.0", "cloudsign-auth.dll");
        return File.Exists(dll)
            ? dll
            : throw new InvalidOperationException($"{dll} does not exist; build the solution first (dotnet build Cloudsign.Auth.slnx).");
    }
}

/// <summary>How an operator command ended.</summary>
public sealed record CommandResult(int ExitCode, string Output, string Error);

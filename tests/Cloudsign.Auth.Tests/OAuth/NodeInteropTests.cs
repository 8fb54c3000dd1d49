using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Cloudsign.Auth.Tests.Fixtures;
using Xunit.Abstractions;

namespace Cloudsign.Auth.Tests.OAuth;

/// <summary>
/// Runs tests/interop-node (openid-client and jose, installed from its lock file) with <c>node --test</c>
/// against the service on a real loopback port. Node.js is required: without it the test fails, so CI
/// cannot pass by skipping it.
/// </summary>
public sealed class NodeInteropTests(ITestOutputHelper output)
{
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task OpenIdClientAndJose_AgainstService_Pass()
    {
        var folder = Path.Combine(RepositoryRoot(), "tests", "interop-node");
        if (!Directory.Exists(Path.Combine(folder, "node_modules")))
        {
            var install = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], folder, new Dictionary<string, string>());
            Assert.True(install.ExitCode == 0, $"npm ci failed in {folder}:\n{install.Output}");
        }

        var port = FreeLoopbackPort();
        var issuer = $"http://127.0.0.1:{port}";
        using var factory = new CloudsignFactory().With("Tokens:Issuer", issuer);
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        factory.StartServer();
        var key = await factory.CreateKeyAsync();

        var result = await RunAsync("node", ["--test", "--test-reporter=tap"], folder, new Dictionary<string, string>
        {
            ["CLOUDSIGN_ISSUER"] = issuer,
            ["CLOUDSIGN_CLIENT_ID"] = key.KeyId.ToString(),
            ["CLOUDSIGN_CLIENT_SECRET"] = key.Secret,
        });
        output.WriteLine(result.Output);

        Assert.True(result.ExitCode == 0, $"node --test failed with exit code {result.ExitCode}:\n{result.Output}");
        Assert.Contains("# pass 4", result.Output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(
        string program, IReadOnlyList<string> arguments, string folder, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            Assert.Fail($"{program} could not be started ({exception.Message}); install Node.js 20 or later and npm (apt-get install nodejs npm).");
            throw;
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(NodeTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{program} did not finish within {NodeTimeout.TotalSeconds} seconds");
            }

            return (process.ExitCode, await stdout + await stderr);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Cloudsign.Auth.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"Cloudsign.Auth.slnx was not found above {AppContext.BaseDirectory}");
    }
}

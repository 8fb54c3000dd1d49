using System.Diagnostics;

namespace Cloudsign.Auth.Tests.Cli;

/// <summary>The output of one run of the <c>cloudsign-auth</c> executable.</summary>
public sealed record CliResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// Runs the built <c>cloudsign-auth</c> executable as an operator would, in a working folder of
/// its own, so that <c>./data/</c> and the configuration are those of a real run.
/// </summary>
public sealed class CliProcess : IDisposable
{
    public CliProcess()
    {
        WorkingFolder = Directory.CreateTempSubdirectory("cloudsign-cli-").FullName;
    }

    public string WorkingFolder { get; }

    /// <summary>The server executable built beside this test project, in the same configuration.</summary>
    public static string ExecutablePath
    {
        get
        {
            var testOutput = AppContext.BaseDirectory;
            var configuration = testOutput.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            var root = new DirectoryInfo(testOutput);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Cloudsign.Auth.slnx")))
            {
                root = root.Parent;
            }

            Assert.NotNull(root);
            var path = Path.Combine(root.FullName, "src", "Cloudsign.Auth", "bin", configuration, "net10.0", "cloudsign-auth.dll");
            Assert.True(File.Exists(path), $"The server is not built at {path}.");
            return path;
        }
    }

    public async Task<CliResult> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = WorkingFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ExecutablePath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await output, await error);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(WorkingFolder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean with the other temporary folders.
        }
    }
}

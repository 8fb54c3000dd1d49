using System.CommandLine;
using Cloudsign.Auth.Audit;
using Cloudsign.Auth.Http;
using Cloudsign.Auth.Storage;
using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Cli;

/// <summary>
/// The operator commands of <c>cloudsign-auth</c>. They act through the same services as the HTTP
/// API, so a rule applies the same way to both.
/// </summary>
internal static class OperatorCommands
{
    /// <summary>Exit code of a command that failed for a reason it printed.</summary>
    public const int Failure = 1;

    public static RootCommand Build(WebApplication app)
    {
        var json = new Option<bool>("--json") { Description = "Write the result as JSON.", Recursive = true };

        var serve = new Command("serve", "Migrate the database if needed and serve HTTP (the default command).");
        serve.SetAction((_, cancellationToken) => ServeAsync(app, cancellationToken));

        var root = new RootCommand("Cloudsign Auth: trades API keys for access and refresh tokens.")
        {
            serve,
            AccountCommands.Build(app, json),
            KeyCommands.Build(app, json),
            SigningKeyCommands.Build(app, json),
            AuditCommands.Build(app, json),
        };
        root.Options.Add(json);
        root.SetAction((_, cancellationToken) => ServeAsync(app, cancellationToken));
        return root;
    }

    private static async Task<int> ServeAsync(WebApplication app, CancellationToken cancellationToken)
    {
        if (!await IsConfigurationValidAsync(app))
        {
            return Failure;
        }

        await app.RunAsync();
        return 0;
    }

    /// <summary>
    /// Checks every setting before anything starts, and prints each problem on standard error
    /// with the setting's name and the fix, with no stack trace.
    /// </summary>
    private static async Task<bool> IsConfigurationValidAsync(WebApplication app)
    {
        try
        {
            app.Services.GetRequiredService<IStartupValidator>().Validate();
            return true;
        }
        catch (OptionsValidationException exception)
        {
            await WriteFailuresAsync(exception);
            return false;
        }
        catch (InvalidOperationException exception) when (IsConversionFailure(exception))
        {
            // The binder's message names the setting, the value and the expected type.
            await Console.Error.WriteLineAsync($"error: invalid configuration: {exception.Message}");
            return false;
        }
        catch (AggregateException exception) when (exception.InnerExceptions.All(e => e is OptionsValidationException))
        {
            foreach (var inner in exception.InnerExceptions.Cast<OptionsValidationException>())
            {
                await WriteFailuresAsync(inner);
            }

            return false;
        }
    }

    private static bool IsConversionFailure(InvalidOperationException exception) =>
        exception.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal);

    private static async Task WriteFailuresAsync(OptionsValidationException exception)
    {
        foreach (var failure in exception.Failures)
        {
            await Console.Error.WriteLineAsync($"error: invalid configuration: {failure}");
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> in a service scope on a migrated database, and turns the
    /// expected failures into a message on standard error and a non-zero exit code.
    /// </summary>
    public static async Task<int> RunAsync(
        WebApplication app, Func<IServiceProvider, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        if (!await IsConfigurationValidAsync(app))
        {
            return Failure;
        }

        try
        {
            await app.Services.GetRequiredService<StorageMigrator>().MigrateAsync(cancellationToken);
            await using var scope = app.Services.CreateAsyncScope();
            await action(scope.ServiceProvider, cancellationToken);

            // The host's background writer does not run for a command, so its audit events are written here.
            await app.Services.GetRequiredService<AuditTrail>().FlushAsync(cancellationToken);
            return 0;
        }
        catch (ApiErrorException exception)
        {
            await Console.Error.WriteLineAsync($"error: {exception.Error.Message}");
            return Failure;
        }
        catch (Exception exception) when (StorageFailure.IsOutage(exception))
        {
            await Console.Error.WriteLineAsync($"error: the database could not be used: {exception.Message}");
            return Failure;
        }
    }

    /// <summary>Prints a usage error for an option value that does not parse, and returns the exit code.</summary>
    public static int UsageError(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return Failure;
    }
}

namespace Cloudsign.Auth.Cli;

/// <summary>
/// The command line split in two: configuration overrides for the host (<c>--Storage:Provider=postgresql</c>,
/// <c>--urls http://127.0.0.1:8080</c>) and the operator command with its options (<c>keys create --email E</c>).
/// </summary>
public sealed class CommandLineInvocation
{
    /// <summary>The options of the operator commands; every other <c>--name</c> is a configuration key.</summary>
    internal static readonly HashSet<string> CommandOptions = new(StringComparer.Ordinal)
    {
        "--json", "--email", "--password", "--env", "--name", "--expires-in", "--delivery", "--origin", "--now",
        "--key", "--limit",
        "--help", "--version",
    };

    private CommandLineInvocation(string[] hostArguments, string[] commandArguments)
    {
        HostArguments = hostArguments;
        CommandArguments = commandArguments;
    }

    /// <summary>Configuration overrides, each as <c>--key=value</c>.</summary>
    public string[] HostArguments { get; }

    /// <summary>The command and its options.</summary>
    public string[] CommandArguments { get; }

    /// <summary>Whether the command serves HTTP: <c>serve</c>, or no command at all.</summary>
    public bool Serves => CommandArguments.Length == 0 || CommandArguments[0] == "serve";

    /// <summary>
    /// Splits <paramref name="args"/>: an option of the operator commands, and every argument that
    /// is not an option, goes to the command; any other <c>--name=value</c> or <c>--name value</c>
    /// is a configuration key for the host, as ASP.NET Core reads it.
    /// </summary>
    public static CommandLineInvocation Split(string[] args)
    {
        List<string> host = [];
        List<string> command = [];
        for (var i = 0; i < args.Length; i++)
        {
            var argument = args[i];
            var separator = argument.IndexOf('=', StringComparison.Ordinal);
            var name = separator < 0 ? argument : argument[..separator];
            if (!argument.StartsWith("--", StringComparison.Ordinal) || CommandOptions.Contains(name))
            {
                command.Add(argument);
            }
            else if (separator >= 0)
            {
                host.Add(argument);
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                host.Add($"{argument}={args[++i]}");
            }
            else
            {
                // A key with no value is not a setting; the command reports it as unknown.
                command.Add(argument);
            }
        }

        return new CommandLineInvocation([.. host], [.. command]);
    }

    /// <summary>Runs the command against the built application.</summary>
    public Task<int> RunAsync(WebApplication app) =>
        OperatorCommands.Build(app).Parse(CommandArguments).InvokeAsync();
}

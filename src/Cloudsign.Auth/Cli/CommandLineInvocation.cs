namespace Cloudsign.Auth.Cli;

/// <summary>
/// The command line split in two: configuration overrides for the host (<c>--Storage:Provider=postgresql</c>,
/// <c>--urls http://127.0.0.1:8080</c>) and the operator command with its options (<c>keys create --email E</c>).
/// </summary>
public sealed class CommandLineInvocation
{
    // Host settings that are not sections but are accepted as options of every command.
    private static readonly HashSet<string> HostSettings = new(StringComparer.OrdinalIgnoreCase)
    {
        "urls", "environment", "contentRoot", "applicationName",
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
    /// Splits <paramref name="args"/>: a <c>--name=value</c> or <c>--name value</c> whose name holds a
    /// colon (a configuration key) or is a host setting goes to the host, everything else to the command.
    /// </summary>
    public static CommandLineInvocation Split(string[] args)
    {
        List<string> host = [];
        List<string> command = [];
        for (var i = 0; i < args.Length; i++)
        {
            var argument = args[i];
            if (!argument.StartsWith("--", StringComparison.Ordinal))
            {
                command.Add(argument);
                continue;
            }

            var separator = argument.IndexOf('=', StringComparison.Ordinal);
            var name = separator < 0 ? argument[2..] : argument[2..separator];
            if (!name.Contains(':', StringComparison.Ordinal) && !HostSettings.Contains(name))
            {
                command.Add(argument);
                continue;
            }

            if (separator >= 0)
            {
                host.Add(argument);
            }
            else if (i + 1 < args.Length)
            {
                host.Add($"--{name}={args[++i]}");
            }
            else
            {
                command.Add(argument);
            }
        }

        return new CommandLineInvocation([.. host], [.. command]);
    }

    /// <summary>Runs the command against the built application.</summary>
    public Task<int> RunAsync(WebApplication app) =>
        OperatorCommands.Build(app).Parse(CommandArguments).InvokeAsync();
}

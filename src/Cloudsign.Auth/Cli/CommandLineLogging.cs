namespace Cloudsign.Auth.Cli;

public static class CommandLineLogging
{
    /// <summary>
    /// Sends logs to standard error at Warning and above, so that a command's standard output holds
    /// only its result and can be piped.
    /// </summary>
    public static ILoggingBuilder AddCommandLineLogging(this ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);

        // Runs after the Logging section is bound, so the levels set there for the server do not apply.
        logging.Services.Configure<LoggerFilterOptions>(filters =>
        {
            filters.Rules.Clear();
            filters.MinLevel = LogLevel.Warning;
        });
        return logging;
    }
}

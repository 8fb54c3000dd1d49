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
        logging.SetMinimumLevel(LogLevel.Warning);
        return logging;
    }
}

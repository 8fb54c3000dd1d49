using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Cloudsign.Auth.Tests.Fixtures;

/// <summary>
/// Every secret the tests create or receive (API key values, tokens, passwords) and every log line
/// the servers write, for the whole test run, so that a test can prove no secret was logged.
/// </summary>
public static partial class SecretLedger
{
    private static readonly ConcurrentDictionary<string, byte> Secrets = new(StringComparer.Ordinal);
    private static readonly ConcurrentQueue<string> LogLines = new();
    private static readonly ConcurrentQueue<string> ErrorBodies = new();
    private static readonly ConcurrentQueue<string> AuditRecords = new();

    /// <summary>Notes a secret; null or very short values are ignored because they would match by chance.</summary>
    public static string Register(string secret)
    {
        if (secret.Length >= 16)
        {
            Secrets.TryAdd(secret, 0);

            // A JWT's signature alone is a secret-bearing part too.
            var lastDot = secret.LastIndexOf('.');
            if (lastDot > 0 && secret.Length - lastDot > 16)
            {
                Secrets.TryAdd(secret[(lastDot + 1)..], 0);
            }
        }

        return secret;
    }

    private static readonly ConcurrentDictionary<string, byte> LoggedCandidates = new(StringComparer.Ordinal);

    /// <summary>Records a log line, and the token- and key-shaped strings in it for <see cref="FindShapedLeaks"/>.</summary>
    public static void RecordLogLine(string line)
    {
        LogLines.Enqueue(line);
        foreach (Match match in SecretShape().Matches(line))
        {
            LoggedCandidates.TryAdd(match.Value, 0);
        }
    }

    /// <summary>
    /// Returns how many registered secrets were logged whole, comparing only the JWT- and UUID-shaped
    /// strings of the log lines: fast enough to run after every test class, while
    /// <see cref="FindLeaks"/> also finds a secret embedded in other text.
    /// </summary>
    public static int FindShapedLeaks() => LoggedCandidates.Keys.Count(Secrets.ContainsKey);

    // A compact JWS, or a UUID such as an API key secret.
    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex SecretShape();

    /// <summary>Notes the body of a 4XX or 5XX response.</summary>
    public static void RecordErrorBody(string body) => ErrorBodies.Enqueue(body);

    /// <summary>Notes one audit record, all its columns as text.</summary>
    public static void RecordAuditRecord(string record) => AuditRecords.Enqueue(record);

    public static int ErrorBodyCount => ErrorBodies.Count;

    public static int AuditRecordCount => AuditRecords.Count;

    public static int SecretCount => Secrets.Count;

    public static int LogLineCount => LogLines.Count;

    /// <summary>Returns the log lines recorded so far that contain <paramref name="text"/>.</summary>
    public static IReadOnlyList<string> LogLinesContaining(string text) =>
        LogLines.Where(line => line.Contains(text, StringComparison.Ordinal)).ToList();

    /// <summary>Returns the log lines, error bodies and audit records that contain a registered secret, with the secret masked.</summary>
    public static IReadOnlyList<string> FindLeaks()
    {
        List<string> leaks = [];
        foreach (var line in LogLines.Concat(ErrorBodies).Concat(AuditRecords))
        {
            foreach (var secret in Secrets.Keys)
            {
                if (line.Contains(secret, StringComparison.Ordinal))
                {
                    leaks.Add(line.Replace(secret, "<secret>", StringComparison.Ordinal));
                }
            }
        }

        return leaks;
    }
}

/// <summary>A logger provider that writes every message, exception included, to the <see cref="SecretLedger"/>.</summary>
public sealed class LedgerLoggerProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new LedgerLogger(categoryName);

    public void Dispose()
    {
    }

    private sealed class LedgerLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> values
                ? string.Join(" ", values.Select(v => $"{v.Key}={v.Value}"))
                : "";
            SecretLedger.RecordLogLine($"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)} {structured} {exception}");
        }
    }
}

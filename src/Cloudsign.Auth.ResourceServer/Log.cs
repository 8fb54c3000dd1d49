using Microsoft.Extensions.Logging;

namespace Cloudsign.Auth.ResourceServer;

/// <summary>Log messages of the resource-server library, event ids 8100-8199. They name tokens by <c>jti</c> only.</summary>
internal static partial class Log
{
    [LoggerMessage(8100, LogLevel.Information, "Cloudsign bearer scheme {Scheme} rejected token {TokenId}: {Reason}")]
    public static partial void Rejected(ILogger logger, string scheme, string? tokenId, string reason);

    [LoggerMessage(8101, LogLevel.Debug, "Cloudsign bearer scheme {Scheme}: introspection of token {TokenId} returned active={Active}")]
    public static partial void Introspected(ILogger logger, string scheme, string tokenId, bool active);

    [LoggerMessage(8102, LogLevel.Warning, "Cloudsign bearer scheme {Scheme}: introspection of token {TokenId} failed with HTTP {StatusCode}; the token is rejected")]
    public static partial void IntrospectionFailed(ILogger logger, string scheme, string tokenId, int statusCode);

    [LoggerMessage(8103, LogLevel.Warning, "Cloudsign bearer scheme {Scheme}: introspection of token {TokenId} failed ({ErrorType}); the token is rejected")]
    public static partial void IntrospectionUnavailable(ILogger logger, string scheme, string tokenId, string errorType);
}

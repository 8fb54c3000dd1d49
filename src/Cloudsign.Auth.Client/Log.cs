using System.Net;
using Microsoft.Extensions.Logging;

namespace Cloudsign.Auth.Client;

/// <summary>Log messages of the client, event ids 8000-8099. None of them carries a token or the API key.</summary>
internal static partial class Log
{
    [LoggerMessage(8000, LogLevel.Information, "Cloudsign client {ClientName} obtained a new token pair with its API key; the access token expires at {ExpiresAt:O}")]
    public static partial void ObtainedTokens(ILogger logger, string clientName, DateTimeOffset expiresAt);

    [LoggerMessage(8001, LogLevel.Debug, "Cloudsign client {ClientName} refreshed its token pair; the access token expires at {ExpiresAt:O}")]
    public static partial void Refreshed(ILogger logger, string clientName, DateTimeOffset expiresAt);

    [LoggerMessage(8002, LogLevel.Warning, "Cloudsign client {ClientName}: the service rejected the refresh token ({StatusCode}: {ServerMessage}); requesting a new pair with the API key")]
    public static partial void RefreshRejected(ILogger logger, string clientName, int statusCode, string? serverMessage);

    [LoggerMessage(8003, LogLevel.Error, "Cloudsign client {ClientName}: the token request failed with {StatusCode}: {ServerMessage}")]
    public static partial void TokenRequestFailed(ILogger logger, string clientName, int statusCode, string? serverMessage);

    [LoggerMessage(8004, LogLevel.Information, "Cloudsign client {ClientName}: the API returned 401 for {Method} {Path}; renewing the access token and retrying once")]
    public static partial void RetryingAfterUnauthorized(ILogger logger, string clientName, string method, string? path);

    [LoggerMessage(8005, LogLevel.Error, "Cloudsign client {ClientName}: the refresh failed with {StatusCode}: {ServerMessage}")]
    public static partial void RefreshFailed(ILogger logger, string clientName, int statusCode, string? serverMessage);

    public static int Code(HttpStatusCode status) => (int)status;
}

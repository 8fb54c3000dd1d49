namespace Cloudsign.Auth.Dashboard;

/// <summary>The dashboard's log events (ids 8000-8099). Accounts and keys are named by id, never by a secret.</summary>
internal static partial class DashboardLog
{
    [LoggerMessage(EventId = 8001, EventName = "DashboardSignedUp", Level = LogLevel.Information,
        Message = "Account {AccountId} signed up in the dashboard")]
    public static partial void SignedUp(ILogger logger, long accountId);

    [LoggerMessage(EventId = 8002, EventName = "DashboardSignedIn", Level = LogLevel.Information,
        Message = "Account {AccountId} signed in to the dashboard")]
    public static partial void SignedIn(ILogger logger, long accountId);

    [LoggerMessage(EventId = 8003, EventName = "DashboardSignInFailed", Level = LogLevel.Information,
        Message = "A dashboard sign-in failed for account {AccountId}: {Reason}")]
    public static partial void SignInFailed(ILogger logger, long? accountId, string reason);

    [LoggerMessage(EventId = 8004, EventName = "DashboardSignedOut", Level = LogLevel.Information,
        Message = "Account {AccountId} signed out of the dashboard")]
    public static partial void SignedOut(ILogger logger, string? accountId);

    [LoggerMessage(EventId = 8005, EventName = "DashboardKeyCreated", Level = LogLevel.Information,
        Message = "Account {AccountId} created API key {KeyId} in the dashboard")]
    public static partial void KeyCreated(ILogger logger, long accountId, Guid keyId);

    [LoggerMessage(EventId = 8006, EventName = "DashboardKeyRevoked", Level = LogLevel.Information,
        Message = "Account {AccountId} revoked API key {KeyId} in the dashboard")]
    public static partial void KeyRevoked(ILogger logger, long accountId, Guid keyId);

    [LoggerMessage(EventId = 8007, EventName = "DashboardKeyRejected", Level = LogLevel.Information,
        Message = "The dashboard rejected a new API key for account {AccountId}: {ErrorCode}")]
    public static partial void KeyRejected(ILogger logger, long accountId, string errorCode);
}

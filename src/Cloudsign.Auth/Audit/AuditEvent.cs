namespace Cloudsign.Auth.Audit;

/// <summary>
/// One security-relevant event. It contains ids only: never a secret, a token or an email, so the
/// trail can be shown to operators and owners as it is.
/// </summary>
public sealed class AuditEvent
{
    public long Id { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>The account, or <c>null</c> when the request named none that exists.</summary>
    public long? AccountId { get; set; }

    /// <summary>The public API key id, or <c>null</c> when the request named no known key.</summary>
    public Guid? ApiKeyId { get; set; }

    /// <summary>The client address as the service saw it, or <c>null</c> for the CLI.</summary>
    public string? ClientAddress { get; set; }

    /// <summary>What happened: one of <see cref="AuditEventTypes"/>.</summary>
    public string EventType { get; set; } = "";

    /// <summary><c>success</c>, or the error code of the failure, such as <c>invalid_credentials</c>.</summary>
    public string Outcome { get; set; } = "";

    /// <summary>The token concerned: the new access token's <c>jti</c> on issuance, the presented refresh token's on refresh.</summary>
    public Guid? Jti { get; set; }

    /// <summary>The token family (<c>sid</c>) concerned.</summary>
    public Guid? FamilyId { get; set; }
}

/// <summary>The event types of the audit trail.</summary>
public static class AuditEventTypes
{
    public const string TokenIssued = "token_issued";
    public const string TokenRequestFailed = "token_request_failed";
    public const string TokenRefreshed = "token_refreshed";
    public const string RefreshFailed = "refresh_failed";
    public const string RefreshReuseDetected = "refresh_reuse_detected";
    public const string FamilyRevoked = "family_revoked";
    public const string ApiKeyCreated = "api_key_created";
    public const string ApiKeyRevoked = "api_key_revoked";

    public const string Success = "success";
}

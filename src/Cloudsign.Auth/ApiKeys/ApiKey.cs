namespace Cloudsign.Auth.ApiKeys;

/// <summary>
/// An API key: a credential of one account and one environment, for good. The secret itself is
/// never stored, only its SHA-256 hash and its last four characters.
/// </summary>
public sealed class ApiKey
{
    /// <summary>The public key id: safe to show and to log.</summary>
    public Guid Id { get; set; }

    public long AccountId { get; set; }

    /// <summary>The SHA-256 hash of the secret's UTF-8 bytes, 32 bytes, unique.</summary>
    public byte[] SecretHash { get; set; } = [];

    /// <summary>The last four characters of the secret, so an owner can recognize the key.</summary>
    public string SecretLast4 { get; set; } = "";

    public string Name { get; set; } = "";

    public string Environment { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public RefreshTokenDelivery Delivery { get; set; } = RefreshTokenDelivery.Body;

    /// <summary>The browser origins allowed to use the key in cookie mode, such as <c>https://app.example.com</c>.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Returns the key's status at <paramref name="now"/>; revocation wins over expiry.</summary>
    public ApiKeyStatus StatusAt(DateTimeOffset now) =>
        RevokedAt is not null ? ApiKeyStatus.Revoked
        : ExpiresAt <= now ? ApiKeyStatus.Expired
        : ApiKeyStatus.Active;
}

/// <summary>How the refresh token reaches the caller.</summary>
public enum RefreshTokenDelivery
{
    /// <summary>In the JSON body of the token response.</summary>
    Body,

    /// <summary>In a hardened cookie, for browser clients.</summary>
    Cookie,
}

public enum ApiKeyStatus
{
    Active,
    Expired,
    Revoked,
}

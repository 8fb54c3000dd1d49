namespace Cloudsign.Auth.Tokens;

/// <summary>
/// A revoked token family. A family is not stored while alive: its refresh tokens carry what
/// the service needs, and only its revocation is recorded, once.
/// </summary>
public sealed class TokenFamilyRevocation
{
    /// <summary>The family id, the <c>sid</c> claim of its tokens.</summary>
    public Guid FamilyId { get; set; }

    public long AccountId { get; set; }

    public Guid ApiKeyId { get; set; }

    public DateTimeOffset RevokedAt { get; set; }

    /// <summary>Why the family was revoked: <c>revoked</c> by a caller, or <c>reuse</c> of a spent refresh token.</summary>
    public string Reason { get; set; } = "";

    /// <summary>The family's absolute expiry; the record may be deleted after it.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>
/// A spent refresh token. Its primary key on <see cref="Jti"/> makes the spend atomic: of two
/// concurrent refreshes with one token, only one insert succeeds.
/// </summary>
public sealed class SpentRefreshToken
{
    public Guid Jti { get; set; }

    public Guid FamilyId { get; set; }

    public DateTimeOffset SpentAt { get; set; }

    /// <summary>The token's own expiry; the record may be deleted after it.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
}

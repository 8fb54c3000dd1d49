namespace Cloudsign.Auth.Signing;

/// <summary>
/// A token signing key as stored: the public JWK in clear, the private key protected with
/// ASP.NET Core Data Protection, and the window in which it signs.
/// </summary>
public sealed class SigningKey
{
    /// <summary>The JWS <c>kid</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>The JWS algorithm the key is bound to, such as <c>ES256</c>.</summary>
    public string Algorithm { get; set; } = "";

    /// <summary>The public key as a JWK (RFC 7517) JSON object.</summary>
    public string PublicJwk { get; set; } = "";

    /// <summary>The private key in PKCS#8, protected with Data Protection.</summary>
    public string ProtectedPrivateKey { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the key starts signing; it is published in the JWKS from <see cref="CreatedAt"/>.</summary>
    public DateTimeOffset ActiveFrom { get; set; }

    /// <summary>When the key stopped signing, because a newer key became active; <c>null</c> while current.</summary>
    public DateTimeOffset? RetiredAt { get; set; }
}

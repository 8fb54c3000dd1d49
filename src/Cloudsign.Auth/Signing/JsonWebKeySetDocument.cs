using System.Text.Json.Serialization;

namespace Cloudsign.Auth.Signing;

/// <summary>A public key as published in the JWKS (RFC 7517 §4, RFC 7518 §6.2.1).</summary>
public sealed record PublicJsonWebKey(
    [property: JsonPropertyName("kty")] string KeyType,
    [property: JsonPropertyName("use")] string Use,
    [property: JsonPropertyName("alg")] string Algorithm,
    [property: JsonPropertyName("kid")] string KeyId,
    [property: JsonPropertyName("crv")] string Curve,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("y")] string Y);

/// <summary>The body of <c>/.well-known/jwks.json</c> (RFC 7517 §5).</summary>
public sealed record JsonWebKeySetDocument([property: JsonPropertyName("keys")] IReadOnlyList<PublicJsonWebKey> Keys);

using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Cloudsign.Auth.Signing;
using Cloudsign.Auth.Tests.Fixtures;
using Microsoft.IdentityModel.Tokens;

namespace Cloudsign.Auth.Tests.Security;

/// <summary>
/// Builds compact JWS from raw header and payload JSON (so duplicate members survive) and signs
/// them with the standard libraries: with the service's own current key, to show that a claim
/// check alone rejects a token, or with any other key or algorithm an attacker could use.
/// </summary>
internal static class TokenForge
{
    public static string Encode(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    public static string Encode(JsonObject json) => Encode(json.ToJsonString());

    /// <summary>Joins header and payload and appends the signature that <paramref name="sign"/> returns for the signing input.</summary>
    public static string Sign(string headerJson, string payloadJson, Func<byte[], byte[]> sign)
    {
        var input = $"{Encode(headerJson)}.{Encode(payloadJson)}";
        var signature = sign(Encoding.ASCII.GetBytes(input));
        return SecretLedger.Register($"{input}.{Base64UrlEncoder.Encode(signature)}");
    }

    /// <summary>The service's current ES256 signing key and its kid.</summary>
    public static (string KeyId, ECDsa Key) ServiceKey(CloudsignFactory factory)
    {
        var signer = factory.Services.GetRequiredService<SigningKeyRing>().CurrentSigner(factory.Time.GetUtcNow());
        var key = (ECDsaSecurityKey)signer.Credentials.Key;
        return (signer.KeyId, key.ECDsa);
    }

    /// <summary>Signs with the service's own key: the result passes every signature check.</summary>
    public static string SignAsService(CloudsignFactory factory, string headerJson, string payloadJson)
    {
        var (_, key) = ServiceKey(factory);
        return Sign(headerJson, payloadJson, input => key.SignData(input, HashAlgorithmName.SHA256));
    }

    /// <summary>Re-signs <paramref name="token"/> with the service key after <paramref name="edit"/> changed its header and payload.</summary>
    public static string ResignAsService(CloudsignFactory factory, string token, Action<JsonObject, JsonObject> edit)
    {
        var header = Jwt.Header(token);
        var payload = Jwt.Payload(token);
        edit(header, payload);
        return SignAsService(factory, header.ToJsonString(), payload.ToJsonString());
    }

    public static HttpRequestMessage Me(string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        return request;
    }

    public static HttpRequestMessage Refresh(string token, string path = "/api/v1/auth/refresh")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        return request;
    }

    /// <summary>Asserts the RFC 6750 §3.1 invalid_token rejection of /api/v1/me and returns its description.</summary>
    public static async Task<string> AssertInvalidAccessTokenAsync(HttpResponseMessage response)
    {
        var message = await EnvelopeAssert.FailureAsync(response, HttpStatusCode.Unauthorized);
        Assert.StartsWith("invalid access token: ", message, StringComparison.Ordinal);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate).ToString();
        Assert.StartsWith("Bearer error=\"invalid_token\", error_description=\"", challenge, StringComparison.Ordinal);
        return message["invalid access token: ".Length..];
    }

    /// <summary>Asserts the refresh endpoint's generic rejection.</summary>
    public static async Task AssertInvalidRefreshTokenAsync(HttpResponseMessage response) =>
        Assert.Equal("invalid refresh token", await EnvelopeAssert.FailureAsync(response, HttpStatusCode.Unauthorized));

    public static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);
}

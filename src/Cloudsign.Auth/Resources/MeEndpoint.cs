using System.Globalization;
using System.Text.Json.Serialization;
using Cloudsign.Auth.Http;
using Cloudsign.Auth.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cloudsign.Auth.Resources;

/// <summary>The <c>data</c> of <c>GET /api/v1/me</c>.</summary>
public sealed record MeData(
    [property: JsonPropertyName("account_id")] long AccountId,
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("env")] string Environment,
    [property: JsonPropertyName("key_id")] Guid KeyId,
    [property: JsonPropertyName("expires_at")] string ExpiresAt);

public static class MeEndpoint
{
    /// <summary>
    /// Maps <c>GET /api/v1/me</c>, the sample protected resource. Being served by the service itself,
    /// it also rejects at once a token whose key or family was revoked.
    /// </summary>
    public static IEndpointRouteBuilder MapResourceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Resources").WithCloudsignDefaults();
        api.MapGet("/me", GetMeAsync)
            .WithName("GetMe")
            .WithSummary("Returns the account, key and environment of the access token.");
        api.MapOnly("/me", HttpMethods.Get);
        return endpoints;
    }

    private static async Task<Results<EnvelopeOk<MeData>, EnvelopeError>> GetMeAsync(
        HttpContext httpContext,
        TokenValidator validator,
        TokenFamilyStore families,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var request = httpContext.Request;
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            // Tokens in URLs end up in logs and histories, so they are refused outright (RFC 6750 §2.3, RFC 9700 §4.3.2).
            return request.Query.ContainsKey("access_token")
                ? BearerChallenge.InvalidRequest("access tokens are not accepted in the query string: send Authorization: Bearer")
                : BearerChallenge.MissingToken();
        }

        const string Scheme = "Bearer ";
        if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return BearerChallenge.MissingToken();
        }

        var validation = await validator.ValidateAsync(authorization[Scheme.Length..].Trim(), TokenKind.Access);
        if (validation.Token is not { } token)
        {
            return BearerChallenge.InvalidToken(validation.Failure!);
        }

        var state = await families.GetStateAsync(token.Subject.KeyId, token.FamilyId, cancellationToken);
        if (state is null || state.OwnerAccountId != token.Subject.AccountId)
        {
            return BearerChallenge.InvalidToken("the token's API key does not exist");
        }

        // Tokens of one environment are never accepted in another, even if correctly signed.
        if (!string.Equals(state.KeyEnvironment, token.Subject.Environment, StringComparison.Ordinal))
        {
            return BearerChallenge.InvalidToken("the token's environment is not its API key's");
        }

        if (state.KeyRevokedAt is not null)
        {
            return BearerChallenge.InvalidToken("the token's API key was revoked");
        }

        if (state.KeyExpiresAt <= time.GetUtcNow())
        {
            return BearerChallenge.InvalidToken("the token's API key has expired");
        }

        if (state.FamilyRevoked)
        {
            return BearerChallenge.InvalidToken("the token was revoked");
        }

        var data = new MeData(
            token.Subject.AccountId,
            state.OwnerEmail ?? "",
            token.Subject.Environment,
            token.Subject.KeyId,
            token.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        return new EnvelopeOk<MeData>(data);
    }
}

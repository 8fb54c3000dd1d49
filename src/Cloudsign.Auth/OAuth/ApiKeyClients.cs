using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Http;

namespace Cloudsign.Auth.OAuth;

/// <summary>
/// Authenticates OAuth clients by their API key: the client id is the public key id and the client
/// secret is the key's secret.
/// </summary>
public sealed class ApiKeyClients(ApiKeyAuthenticator authenticator)
{
    /// <summary>
    /// Returns the key, or raises <see cref="OAuthErrorException"/> with <c>invalid_client</c>: one
    /// generic description for a malformed id, an unknown key or a wrong secret, and a description
    /// that says so for a revoked or expired key.
    /// </summary>
    public async Task<KeyCredential> AuthenticateAsync(ClientCredentials credentials, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(credentials.ClientId, out var keyId))
        {
            throw new OAuthErrorException(OAuthErrors.InvalidClient);
        }

        try
        {
            return await authenticator.AuthenticateClientAsync(keyId, credentials.Secret, cancellationToken);
        }
        catch (ApiErrorException exception) when (exception.Error == ApiErrors.InvalidCredentials)
        {
            throw new OAuthErrorException(OAuthErrors.InvalidClient);
        }
        catch (ApiErrorException exception) when (exception.Error.Code is "api_key_revoked" or "api_key_expired")
        {
            throw new OAuthErrorException(OAuthErrors.UnusableClientKey(exception.Error));
        }
    }
}

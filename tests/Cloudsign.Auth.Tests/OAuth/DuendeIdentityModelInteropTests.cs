using Cloudsign.Auth.Tests.Fixtures;
using Duende.IdentityModel.Client;

namespace Cloudsign.Auth.Tests.OAuth;

/// <summary>
/// Duende.IdentityModel 8.1.0, the .NET OAuth client library, used as its documentation shows:
/// discovery, the client credentials grant, introspection and revocation.
/// </summary>
public sealed class DuendeIdentityModelInteropTests(IntrospectionFactory factory) : IClassFixture<IntrospectionFactory>
{
    // The library requires https except on loopback addresses, which its users allow in development.
    private static readonly DiscoveryPolicy LoopbackPolicy = new() { RequireHttps = true, AllowHttpOnLoopback = true };

    private static async Task<DiscoveryDocumentResponse> DiscoverAsync(HttpClient http)
    {
        var disco = await http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = "http://localhost:8080",
            Policy = LoopbackPolicy,
        });
        Assert.False(disco.IsError, disco.Error);
        return disco;
    }

    [Fact]
    public async Task Duende_DiscoverTokenIntrospectRevoke_Works()
    {
        var http = factory.CreateClient();
        var key = await factory.CreateKeyAsync(environment: "sandbox");

        var disco = await DiscoverAsync(http);
        var token = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = disco.TokenEndpoint,
            ClientId = key.KeyId.ToString(),
            ClientSecret = key.Secret,
        });
        Assert.False(token.IsError, token.Error);
        SecretLedger.Register(token.AccessToken!);

        var active = await http.IntrospectTokenAsync(new TokenIntrospectionRequest
        {
            Address = disco.IntrospectionEndpoint,
            ClientId = IntrospectionFactory.ClientId,
            ClientSecret = factory.ClientSecret,
            Token = token.AccessToken!,
        });
        var revoked = await http.RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = disco.RevocationEndpoint,
            ClientId = key.KeyId.ToString(),
            ClientSecret = key.Secret,
            Token = token.AccessToken!,
            TokenTypeHint = "access_token",
        });
        var inactive = await http.IntrospectTokenAsync(new TokenIntrospectionRequest
        {
            Address = disco.IntrospectionEndpoint,
            ClientId = IntrospectionFactory.ClientId,
            ClientSecret = factory.ClientSecret,
            Token = token.AccessToken!,
        });

        Assert.Equal("http://localhost:8080", disco.Issuer);
        Assert.NotEmpty(disco.KeySet!.Keys);
        Assert.Equal("Bearer", token.TokenType);
        Assert.Equal(3600, token.ExpiresIn);
        Assert.Null(token.RefreshToken);
        Assert.False(active.IsError, active.Error);
        Assert.True(active.IsActive);
        Assert.Equal(key.KeyId.ToString(), active.Claims.Single(c => c.Type == "client_id").Value);
        Assert.Equal("sandbox", active.Claims.Single(c => c.Type == "env").Value);
        Assert.False(revoked.IsError, revoked.Error);
        Assert.False(inactive.IsError, inactive.Error);
        Assert.False(inactive.IsActive);
    }

    [Fact]
    public async Task Duende_ClientSecretPost_GetsToken()
    {
        var http = factory.CreateClient();
        var key = await factory.CreateKeyAsync();
        var disco = await DiscoverAsync(http);

        var token = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = disco.TokenEndpoint,
            ClientId = key.KeyId.ToString(),
            ClientSecret = key.Secret,
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
        });

        Assert.False(token.IsError, token.Error);
        SecretLedger.Register(token.AccessToken!);
        Assert.Equal("at+jwt", Jwt.Header(token.AccessToken!)["typ"]!.GetValue<string>());
    }

    [Fact]
    public async Task Duende_WrongSecret_Gets401InvalidClient()
    {
        var http = factory.CreateClient();
        var key = await factory.CreateKeyAsync();
        var disco = await DiscoverAsync(http);

        var token = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = disco.TokenEndpoint,
            ClientId = key.KeyId.ToString(),
            ClientSecret = Guid.NewGuid().ToString(),
        });

        // The library reports a 401 as an HTTP error (RFC 6749 §5.2 requires 401 after Basic) and keeps the body.
        Assert.True(token.IsError);
        Assert.Equal(ResponseErrorType.Http, token.ErrorType);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, token.HttpStatusCode);
        Assert.Equal("invalid_client", token.Json?.GetProperty("error").GetString());
        Assert.Equal("client authentication failed", token.Json?.GetProperty("error_description").GetString());
    }
}

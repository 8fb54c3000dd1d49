using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Cloudsign.Auth.ResourceServer;

/// <summary>Settings of <c>AddCloudsignBearer</c>: which Cloudsign Auth service issues the tokens and what they must contain.</summary>
public sealed class CloudsignBearerOptions
{
    /// <summary>
    /// The issuer: the Cloudsign Auth service's <c>Tokens:Issuer</c>, for example <c>https://auth.example.com</c>.
    /// Tokens must carry it as <c>iss</c>, and the metadata is read from below it.
    /// </summary>
    public string Authority { get; set; } = "";

    /// <summary>The expected <c>aud</c>; default <c>cloudsign-api</c>, the service's <c>Tokens:Audience</c>.</summary>
    public string Audience { get; set; } = "cloudsign-api";

    /// <summary>The environment this resource server belongs to; tokens whose <c>env</c> claim differs are rejected.</summary>
    public string Environment { get; set; } = "";

    /// <summary>The RFC 8414 metadata address; default <c>{Authority}/.well-known/oauth-authorization-server</c>.</summary>
    public Uri? MetadataAddress { get; set; }

    /// <summary>Whether the metadata and JWKS must come over HTTPS; default true. Turn it off only for a local service.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// The base64 HS256 secret of a service that runs with <c>Tokens:SigningAlgorithm=HS256</c>. When set, only
    /// HS256 is accepted and no metadata is fetched; when null (the default), only ES256 keys from the JWKS are accepted.
    /// </summary>
    public string? HmacSecret { get; set; }

    /// <summary>The handler for metadata, JWKS and introspection requests; null uses the default handler.</summary>
    public HttpMessageHandler? BackchannelHttpHandler { get; set; }

    /// <summary>
    /// Your own JwtBearer event handlers. They run after the Cloudsign checks: <c>TokenValidated</c> is called only
    /// for tokens that passed them. Do not set <c>JwtBearerOptions.Events</c> directly, because that drops the checks.
    /// </summary>
    public JwtBearerEvents? Events { get; set; }

    /// <summary>The RFC 7662 introspection check, off by default.</summary>
    public CloudsignIntrospectionOptions Introspection { get; } = new();

    /// <summary>Describes the settings with the secrets masked.</summary>
    public override string ToString() =>
        $"Authority = {Authority}, Audience = {Audience}, Environment = {Environment}, HmacSecret = {(HmacSecret is null ? "(not set)" : "(set)")}, Introspection = {Introspection}";
}

/// <summary>
/// The opt-in RFC 7662 introspection check. Offline validation accepts a token until its <c>exp</c>;
/// with introspection on, a token whose key or token family was revoked is rejected within
/// <see cref="CacheDuration"/>, at the cost of one request to the service per token and cache period.
/// </summary>
public sealed class CloudsignIntrospectionOptions
{
    /// <summary>Whether every validated token is also checked with the introspection endpoint.</summary>
    public bool Enabled { get; set; }

    /// <summary>The introspection endpoint; default <c>{Authority}/oauth/introspect</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The client id this resource server authenticates with (HTTP Basic, RFC 7662 §2.1).</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The client secret this resource server authenticates with. It is never logged or shown by <see cref="ToString"/>.</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>The handler for introspection requests; null uses <see cref="CloudsignBearerOptions.BackchannelHttpHandler"/>.</summary>
    public HttpMessageHandler? BackchannelHttpHandler { get; set; }

    /// <summary>How long one introspection result is reused for the same token; default 10 seconds, zero turns the cache off.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Describes the settings with the client secret masked.</summary>
    public override string ToString() =>
        $"Enabled = {Enabled}, Endpoint = {Endpoint}, ClientId = {ClientId}, ClientSecret = {(ClientSecret.Length == 0 ? "(not set)" : "(set)")}, CacheDuration = {CacheDuration}";
}

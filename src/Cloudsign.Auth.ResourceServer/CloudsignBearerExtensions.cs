using Cloudsign.Auth.ResourceServer;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

// The conventional namespace for AuthenticationBuilder extensions, so that callers need no extra using.
namespace Microsoft.AspNetCore.Authentication;

/// <summary>Adds a JwtBearer scheme that accepts the access tokens of a Cloudsign Auth service.</summary>
public static class CloudsignBearerExtensions
{
    /// <summary>Adds the scheme <c>Bearer</c> for Cloudsign access tokens, configured by <paramref name="configure"/>.</summary>
    public static AuthenticationBuilder AddCloudsignBearer(this AuthenticationBuilder builder, Action<CloudsignBearerOptions> configure) =>
        builder.AddCloudsignBearer(JwtBearerDefaults.AuthenticationScheme, configure);

    /// <summary>
    /// Adds the scheme <paramref name="authenticationScheme"/> for Cloudsign access tokens: keys from the
    /// service's metadata and JWKS, ES256 only (HS256 only when <see cref="CloudsignBearerOptions.HmacSecret"/> is set),
    /// <c>iss</c>, <c>aud</c>, <c>typ</c> <c>at+jwt</c>, <c>type</c> <c>access</c> and <c>env</c> checked, 30 seconds of clock skew,
    /// and optional introspection. Further JwtBearer settings can be changed with
    /// <c>services.Configure&lt;JwtBearerOptions&gt;(authenticationScheme, ...)</c> afterwards.
    /// </summary>
    public static AuthenticationBuilder AddCloudsignBearer(this AuthenticationBuilder builder, string authenticationScheme, Action<CloudsignBearerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(authenticationScheme);
        ArgumentNullException.ThrowIfNull(configure);

        var services = builder.Services;
        services.AddOptions<CloudsignBearerOptions>(authenticationScheme).Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CloudsignBearerOptions>, CloudsignBearerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        services.AddHttpClient(IntrospectionClientName(authenticationScheme));
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>>(provider => new ConfigureCloudsignJwtBearer(authenticationScheme, provider));
        services.AddSingleton<IPostConfigureOptions<JwtBearerOptions>>(new RequireCloudsignEvents(authenticationScheme));
        return builder.AddJwtBearer(authenticationScheme, _ => { });
    }

    // Valid from nbf - skew and strictly before exp + skew (RFC 7519 §4.1.4, §4.1.5), as the service itself checks.
    // The clock is the registered TimeProvider, so a fake clock in tests moves the service and this check together.
    private static bool IsWithinLifetime(TimeProvider time, DateTime? notBefore, DateTime? expires, TimeSpan skew)
    {
        if (notBefore is null || expires is null)
        {
            return false;
        }

        var now = time.GetUtcNow().UtcDateTime;
        return now >= notBefore.Value - skew && now < expires.Value + skew;
    }

    private static string IntrospectionClientName(string scheme) => "Cloudsign.Auth.ResourceServer.Introspection." + scheme;

    /// <summary>Stops the start when other code replaced the events that carry the <c>type</c>, <c>env</c> and introspection checks.</summary>
    private sealed class RequireCloudsignEvents(string scheme) : IPostConfigureOptions<JwtBearerOptions>
    {
        public void PostConfigure(string? name, JwtBearerOptions options)
        {
            if (string.Equals(name, scheme, StringComparison.Ordinal) && (options.Events is not CloudsignBearerEvents || options.EventsType is not null))
            {
                throw new InvalidOperationException(
                    $"JwtBearerOptions.Events of the Cloudsign scheme '{scheme}' was replaced, which would skip the type, env and introspection checks; set CloudsignBearerOptions.Events instead.");
            }
        }
    }

    /// <summary>Turns the <see cref="CloudsignBearerOptions"/> of one scheme into its <see cref="JwtBearerOptions"/>.</summary>
    private sealed class ConfigureCloudsignJwtBearer(string scheme, IServiceProvider provider) : IConfigureNamedOptions<JwtBearerOptions>
    {
        public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

        public void Configure(string? name, JwtBearerOptions options)
        {
            if (!string.Equals(name, scheme, StringComparison.Ordinal))
            {
                return;
            }

            var settings = provider.GetRequiredService<IOptionsMonitor<CloudsignBearerOptions>>().Get(scheme);
            var time = provider.GetRequiredService<TimeProvider>();
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Cloudsign.Auth.ResourceServer");
            var issuer = settings.Authority;

            options.MapInboundClaims = false;
            options.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            options.BackchannelHttpHandler = settings.BackchannelHttpHandler;
            options.TimeProvider = time;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = issuer,
                ValidAudience = settings.Audience,
                ValidTypes = ["at+jwt"],
                ValidAlgorithms = settings.HmacSecret is null ? [SecurityAlgorithms.EcdsaSha256] : [SecurityAlgorithms.HmacSha256],
                ClockSkew = TimeSpan.FromSeconds(30),
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                RequireAudience = true,
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidateLifetime = true,

                // The kid selects among the published keys; a token with an unknown kid is not tried against every key.
                TryAllIssuerSigningKeys = false,
                NameClaimType = "sub",
                LifetimeValidator = (notBefore, expires, _, parameters) => IsWithinLifetime(time, notBefore, expires, parameters.ClockSkew),
            };

            if (settings.HmacSecret is { } secret)
            {
                // HS256 deployments publish no keys, so the secret is the only key and nothing is fetched.
                options.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Convert.FromBase64String(secret));
                options.TokenValidationParameters.TryAllIssuerSigningKeys = true;
                options.Configuration = new OpenIdConnectConfiguration { Issuer = issuer };
            }
            else
            {
                options.MetadataAddress = (settings.MetadataAddress ?? new Uri(issuer.TrimEnd('/') + "/.well-known/oauth-authorization-server")).AbsoluteUri;
            }

            CloudsignIntrospector? introspector = null;
            if (settings.Introspection.Enabled)
            {
                var httpClient = (settings.Introspection.BackchannelHttpHandler ?? settings.BackchannelHttpHandler) is { } handler
                    ? new HttpClient(handler, disposeHandler: false)
                    : provider.GetRequiredService<IHttpClientFactory>().CreateClient(IntrospectionClientName(scheme));
                introspector = new CloudsignIntrospector(scheme, settings, httpClient, provider.GetRequiredService<IMemoryCache>(), time, logger);
            }

            options.Events = new CloudsignBearerEvents(scheme, settings, () => introspector, logger);
        }
    }
}

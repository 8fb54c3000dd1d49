using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cloudsign.Auth.ResourceServer;

/// <summary>
/// The JwtBearer events that add the Cloudsign claim checks after the signature, <c>iss</c>,
/// <c>aud</c>, <c>typ</c> and lifetime checks have passed: <c>type</c> must be <c>access</c>, <c>env</c>
/// the configured environment, and, with introspection on, the token still active. Derive from it to
/// add handlers, and call the base method first.
/// </summary>
public class CloudsignBearerEvents : JwtBearerEvents
{
    private readonly string _scheme;
    private readonly CloudsignBearerOptions _options;
    private readonly Func<CloudsignIntrospector?> _introspector;
    private readonly ILogger _logger;

    internal CloudsignBearerEvents(string scheme, CloudsignBearerOptions options, Func<CloudsignIntrospector?> introspector, ILogger logger)
    {
        _scheme = scheme;
        _options = options;
        _introspector = introspector;
        _logger = logger;
    }

    /// <summary>Rejects a signature-checked token that is not a Cloudsign access token of the configured environment.</summary>
    public override async Task TokenValidated(TokenValidatedContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.SecurityToken is not JsonWebToken token)
        {
            Reject(context, null, "the token is not a compact JWS");
            return;
        }

        if (!token.TryGetPayloadValue<string>("type", out var type) || type != "access")
        {
            Reject(context, token.Id, "the token is not an access token");
            return;
        }

        if (!token.TryGetPayloadValue<string>("env", out var environment) || !string.Equals(environment, _options.Environment, StringComparison.Ordinal))
        {
            Reject(context, token.Id, $"the token belongs to another environment than {_options.Environment}");
            return;
        }

        if (string.IsNullOrEmpty(token.Id))
        {
            Reject(context, null, "the token has no jti");
            return;
        }

        if (_introspector() is { } introspector
            && !await introspector.IsActiveAsync(token.EncodedToken, token.Id, token.ValidTo, context.HttpContext.RequestAborted).ConfigureAwait(false))
        {
            Reject(context, token.Id, "the token is no longer active (its key or token family was revoked)");
            return;
        }

        await base.TokenValidated(context).ConfigureAwait(false);
    }

    private void Reject(TokenValidatedContext context, string? tokenId, string reason)
    {
        Log.Rejected(_logger, _scheme, tokenId, reason);
        context.Fail(reason);
    }
}

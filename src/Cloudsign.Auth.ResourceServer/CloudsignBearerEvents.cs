using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cloudsign.Auth.ResourceServer;

/// <summary>
/// The JwtBearer events that add the Cloudsign claim checks after the signature, <c>iss</c>,
/// <c>aud</c>, <c>typ</c> and lifetime checks have passed: <c>type</c> must be <c>access</c>, <c>env</c>
/// the configured environment, and, with introspection on, the token still active. Every event then
/// goes to <see cref="CloudsignBearerOptions.Events"/>, if set.
/// </summary>
internal sealed class CloudsignBearerEvents : JwtBearerEvents
{
    private static readonly JwtBearerEvents NoEvents = new();

    private readonly string _scheme;
    private readonly CloudsignBearerOptions _options;
    private readonly Func<CloudsignIntrospector?> _introspector;
    private readonly ILogger _logger;

    public CloudsignBearerEvents(string scheme, CloudsignBearerOptions options, Func<CloudsignIntrospector?> introspector, ILogger logger)
    {
        _scheme = scheme;
        _options = options;
        _introspector = introspector;
        _logger = logger;
    }

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

        await Inner.TokenValidated(context).ConfigureAwait(false);
    }

    public override Task MessageReceived(MessageReceivedContext context) => Inner.MessageReceived(context);

    public override Task AuthenticationFailed(AuthenticationFailedContext context) => Inner.AuthenticationFailed(context);

    public override Task Challenge(JwtBearerChallengeContext context) => Inner.Challenge(context);

    public override Task Forbidden(ForbiddenContext context) => Inner.Forbidden(context);

    private JwtBearerEvents Inner => _options.Events ?? NoEvents;

    private void Reject(TokenValidatedContext context, string? tokenId, string reason)
    {
        Log.Rejected(_logger, _scheme, tokenId, reason);
        context.Fail(reason);
    }
}

using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Http;

/// <summary>The reverse proxies whose <c>X-Forwarded-For</c> is believed (configuration section <c>ForwardedHeaders</c>).</summary>
public sealed class TrustedProxyOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>
    /// IP addresses of the proxies in front of the service. Default none: the client address is
    /// the connection's peer and <c>X-Forwarded-For</c> is ignored, so a caller cannot pick the
    /// address its rate limit is counted under.
    /// </summary>
    public IReadOnlyList<string> KnownProxies { get; set; } = [];
}

internal sealed class TrustedProxyOptionsValidator : IValidateOptions<TrustedProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, TrustedProxyOptions options)
    {
        var invalid = options.KnownProxies.Where(p => !IPAddress.TryParse(p, out _)).ToList();
        return invalid.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"ForwardedHeaders:KnownProxies holds '{string.Join("', '", invalid)}', which is not an IP address; list the proxies' addresses, such as 10.0.0.5.");
    }
}

public static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services)
    {
        services.AddOptions<TrustedProxyOptions>().BindConfiguration(TrustedProxyOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TrustedProxyOptions>, TrustedProxyOptionsValidator>();
        return services;
    }

    /// <summary>
    /// Takes the client address from <c>X-Forwarded-For</c>, only when the peer is a configured
    /// proxy and only one hop deep; with no proxy configured, adds nothing. Must run before the
    /// rate limiter, which partitions by that address.
    /// </summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        var proxies = app.Services.GetRequiredService<IOptions<TrustedProxyOptions>>().Value.KnownProxies;
        if (proxies.Count == 0)
        {
            return app;
        }

        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor,
            ForwardLimit = 1,
        };

        // The defaults trust loopback; only the configured proxies are trusted here.
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        foreach (var proxy in proxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        app.UseForwardedHeaders(options);
        return app;
    }
}

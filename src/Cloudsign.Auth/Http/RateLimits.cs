using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Http;

/// <summary>
/// The abuse limits of the token, refresh and sign-in endpoints: a fixed window per client
/// address, applied by the ASP.NET Core rate limiter before the endpoint runs, and a fixed window
/// per account, which an endpoint checks once it has found the account.
/// </summary>
public static class RateLimits
{
    /// <summary>The policy name of the token, refresh and login endpoints.</summary>
    public const string PerClientAddress = "per-client-address";

    public static IServiceCollection AddCloudsignRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitingOptions>().BindConfiguration(RateLimitingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitingOptions>, RateLimitingOptionsValidator>();
        services.AddSingleton<AccountRateLimiter>();

        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(PerClientAddress, httpContext =>
            {
                var options = httpContext.RequestServices.GetRequiredService<IOptions<RateLimitingOptions>>().Value;
                if (!options.Enabled)
                {
                    return RateLimitPartition.GetNoLimiter("disabled");
                }

                // The address is the peer's, or the forwarded one when the proxy is trusted
                // (the forwarded headers middleware has then already replaced it).
                var address = httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter(address, _ => WindowOf(options.PermitsPerMinute));
            });
            limiter.OnRejected = (context, cancellationToken) =>
                new ValueTask(RejectAsync(context.HttpContext, context.Lease));
        });
        return services;
    }

    /// <summary>
    /// Adds the rate limiter middleware, which must run after the trusted proxies' middleware.
    /// With the limits switched off, as for load benchmarks, it is left out of the pipeline.
    /// </summary>
    public static WebApplication UseCloudsignRateLimits(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<RateLimitingOptions>>().Value.Enabled)
        {
            app.UseRateLimiter();
        }

        return app;
    }

    internal static FixedWindowRateLimiterOptions WindowOf(int permitsPerMinute) => new()
    {
        PermitLimit = permitsPerMinute,
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>Builds the 429 error, with <c>Retry-After</c> in whole seconds (RFC 9110 §10.2.3).</summary>
    internal static ApiErrorException Rejection(RateLimitLease lease)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        return new ApiErrorException(ApiErrors.RateLimited,
            [new("Retry-After", seconds.ToString(CultureInfo.InvariantCulture))]);
    }

    private static Task RejectAsync(HttpContext httpContext, RateLimitLease lease)
    {
        httpContext.Response.Headers.CacheControl = "no-store";
        var rejection = Rejection(lease);
        return httpContext.GetEndpoint()?.Metadata.GetMetadata<IRateLimitRejectionFormat>() is { } format
            ? format.WriteAsync(httpContext, rejection)
            : rejection.ToResult().ExecuteAsync(httpContext);
    }
}

/// <summary>
/// Endpoint metadata for endpoints that respond in another format than the envelope, such as the
/// OAuth endpoints: writes the 429 of a rate limit rejection.
/// </summary>
public interface IRateLimitRejectionFormat
{
    Task WriteAsync(HttpContext httpContext, ApiErrorException rejection);
}

/// <summary>
/// The per-account window of the abuse limits, checked by an endpoint once it has found the
/// account, so a caller spreading requests over many addresses still meets one limit per account.
/// </summary>
public sealed class AccountRateLimiter(IOptions<RateLimitingOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<long> _limiter = PartitionedRateLimiter.Create<long, long>(
        accountId => options.Value.Enabled
            ? RateLimitPartition.GetFixedWindowLimiter(accountId, _ => RateLimits.WindowOf(options.Value.PermitsPerMinute))
            : RateLimitPartition.GetNoLimiter(0L));

    /// <summary>
    /// Takes one permit for <paramref name="accountId"/>, or raises <see cref="ApiErrorException"/>
    /// with 429 when the account's window is used up.
    /// </summary>
    public void Acquire(long accountId)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var lease = _limiter.AttemptAcquire(accountId);
        if (!lease.IsAcquired)
        {
            throw RateLimits.Rejection(lease);
        }
    }

    public void Dispose() => _limiter.Dispose();
}

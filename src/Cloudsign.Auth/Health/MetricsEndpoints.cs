using Cloudsign.Auth.Tokens;
using OpenTelemetry.Metrics;

namespace Cloudsign.Auth.Health;

public static class MetricsEndpoints
{
    /// <summary>
    /// Registers OpenTelemetry metrics: the <c>Cloudsign.Auth</c> token counters, the ASP.NET Core
    /// request duration histograms and the runtime's <c>System.Runtime</c> meter (CPU, memory,
    /// garbage collection, thread pool), exported in the Prometheus text format.
    /// </summary>
    public static IServiceCollection AddCloudsignMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(TokenMetrics.MeterName, "System.Runtime")
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter(prometheus =>
            {
                // Every scrape reads the current values; the exporter's default is a 300 ms cache.
                prometheus.ScrapeResponseCacheDurationMilliseconds = 0;
            }));
        return services;
    }

    /// <summary>
    /// Maps <c>GET /metrics</c> for a Prometheus scraper. The values hold no secret, but they show
    /// traffic and failure rates, so expose the path only to the monitoring network.
    /// </summary>
    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint("/metrics").WithName("GetMetrics");
        return endpoints;
    }
}

using Cloudsign.Auth.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cloudsign.Auth.Health;

public static class HealthEndpoints
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag]);
        return services;
    }

    /// <summary>
    /// Maps <c>/health/live</c> (the process serves requests) and <c>/health/ready</c> (the database
    /// responds too); a load balancer sends traffic only to ready nodes.
    /// </summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false })
            .WithName("GetLiveness");
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) })
            .WithName("GetReadiness");
        return endpoints;
    }
}

/// <summary>Healthy when a query on the service's own tables returns within a few seconds.</summary>
internal sealed class DatabaseHealthCheck(AuthDbContext db) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await db.SigningKeys.AsNoTracking().AnyAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (StorageFailure.IsOutage(exception) || exception is OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("the database did not answer");
        }
    }
}

namespace Cloudsign.Auth.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>Registers the audit trail's background writer and its reader.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddSingleton<AuditTrail>();
        services.AddHostedService(provider => provider.GetRequiredService<AuditTrail>());
        services.AddScoped<AuditLog>();
        return services;
    }
}

using Cloudsign.Auth.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Signing;

public static class SigningServiceCollectionExtensions
{
    /// <summary>
    /// Registers the key ring, the key store, the reloader and Data Protection with its key ring in
    /// the database, so that every node opens what another protected.
    /// </summary>
    public static IServiceCollection AddSigning(this IServiceCollection services)
    {
        services.AddOptions<SigningOptions>().BindConfiguration(SigningOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SigningOptions>, SigningOptionsValidator>();
        services.AddDataProtection()
            .SetApplicationName("cloudsign-auth")
            .PersistKeysToDbContext<AuthDbContext>();

        services.AddSingleton<SigningKeyRing>();
        services.AddScoped<SigningKeyStore>();
        services.AddSingleton<SigningKeyReloader>();
        services.AddHostedService<SigningKeyLoader>();
        services.AddHostedService(provider => provider.GetRequiredService<SigningKeyReloader>());
        return services;
    }

    /// <summary>Loads the keys once before the server accepts requests, so that the first request can be signed.</summary>
    private sealed class SigningKeyLoader(SigningKeyReloader reloader) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => reloader.ReloadAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

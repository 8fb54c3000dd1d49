using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Tokens;

public static class TokensServiceCollectionExtensions
{
    /// <summary>Registers token issuance, validation, families and the token flows.</summary>
    public static IServiceCollection AddTokens(this IServiceCollection services)
    {
        services.AddOptions<TokenOptions>().BindConfiguration(TokenOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TokenOptions>, TokenOptionsValidator>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<TokenValidator>();
        services.AddScoped<TokenFamilyStore>();
        services.AddScoped<TokenService>();
        services.AddSingleton<TokenStateSweeper>();
        services.AddHostedService(provider => provider.GetRequiredService<TokenStateSweeper>());
        services.AddScoped<BrowserOrigins>();
        services.AddSingleton<TokenMetrics>();
        services.AddSingleton<RefreshSpendWriter>();
        services.AddHostedService(provider => provider.GetRequiredService<RefreshSpendWriter>());
        return services;
    }
}

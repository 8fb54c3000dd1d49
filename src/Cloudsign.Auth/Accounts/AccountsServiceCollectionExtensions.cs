using Cloudsign.Auth.Storage;
using Microsoft.AspNetCore.Identity;

namespace Cloudsign.Auth.Accounts;

public static class AccountsServiceCollectionExtensions
{
    /// <summary>Registers ASP.NET Core Identity on <see cref="AuthDbContext"/> with the email rule.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddIdentityCore<Account>(options =>
            {
                options.User.RequireUniqueEmail = true;

                // The user name is the normalized email, which may hold any character.
                options.User.AllowedUserNameCharacters = "";
                options.Password.RequiredLength = 12;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddEntityFrameworkStores<AuthDbContext>();
        services.AddSingleton<ILookupNormalizer, EmailLookupNormalizer>();
        services.AddScoped<AccountService>();
        return services;
    }
}

using Cloudsign.Auth.Http;
using Cloudsign.Auth.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Cloudsign.Auth.Accounts;

/// <summary>Creates and finds accounts; the CLI and the dashboard share it.</summary>
public sealed partial class AccountService(
    UserManager<Account> users,
    AuthDbContext db,
    TimeProvider time,
    ILogger<AccountService> logger)
{
    /// <summary>
    /// Creates an account, with a hashed password when <paramref name="password"/> is given.
    /// Raises <see cref="ApiErrorException"/> for an invalid email, a weak password or a taken email.
    /// </summary>
    public async Task<Account> CreateAsync(string email, string? password, CancellationToken cancellationToken)
    {
        var normalized = EmailAddress.Normalize(email);
        if (!EmailAddress.IsValid(normalized))
        {
            throw new ApiErrorException(ApiErrors.InvalidEmail("email"));
        }

        var account = new Account
        {
            UserName = normalized,
            Email = normalized,
            CreatedAt = time.GetUtcNow(),
        };
        var result = password is null
            ? await users.CreateAsync(account)
            : await users.CreateAsync(account, password);
        if (!result.Succeeded)
        {
            if (result.Errors.Any(e => e.Code is nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName)))
            {
                throw new ApiErrorException(ApiErrors.AccountExists(normalized));
            }

            throw new ApiErrorException(ApiErrors.InvalidAccount(string.Join(" ", result.Errors.Select(e => e.Description))));
        }

        LogAccountCreated(logger, account.Id);
        return account;
    }

    /// <summary>Finds an account by the normalized form of <paramref name="email"/>, or raises 404.</summary>
    public async Task<Account> GetByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = EmailAddress.Normalize(email);
        return await db.Users.AsNoTracking().SingleOrDefaultAsync(a => a.NormalizedEmail == normalized, cancellationToken)
            ?? throw new ApiErrorException(ApiErrors.AccountNotFound(normalized));
    }

    [LoggerMessage(EventId = 2001, EventName = "AccountCreated", Level = LogLevel.Information,
        Message = "Created account {AccountId}")]
    private static partial void LogAccountCreated(ILogger logger, long accountId);
}

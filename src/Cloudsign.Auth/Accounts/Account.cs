using Microsoft.AspNetCore.Identity;

namespace Cloudsign.Auth.Accounts;

/// <summary>
/// A Cloudsign account: an ASP.NET Core Identity user with a numeric id, identified by its email.
/// <see cref="IdentityUser{TKey}.NormalizedEmail"/> holds the form of <see cref="EmailAddress.Normalize"/>.
/// </summary>
public sealed class Account : IdentityUser<long>
{
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// Incremented by every API key creation, so that concurrent creations for one account take
    /// the same row lock and the active-key limit holds on every node.
    /// </summary>
    public long ApiKeysVersion { get; set; }
}

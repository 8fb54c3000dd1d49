using Microsoft.AspNetCore.Identity;

namespace Cloudsign.Auth.Accounts;

/// <summary>
/// Makes ASP.NET Core Identity store and look up emails by <see cref="EmailAddress.Normalize"/>,
/// in place of its default upper-casing, which folds Unicode case.
/// </summary>
internal sealed class EmailLookupNormalizer : ILookupNormalizer
{
    public string? NormalizeEmail(string? email) => email is null ? null : EmailAddress.Normalize(email);

    public string? NormalizeName(string? name) => name is null ? null : EmailAddress.Normalize(name);
}

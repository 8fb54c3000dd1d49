using Cloudsign.Auth.Accounts;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Http;

namespace Cloudsign.Auth.Tokens;

/// <summary>The body of <c>POST /api/v1/auth/api-access-token</c>, exactly as the public docs show it.</summary>
/// <param name="Environment">The <c>env</c> field.</param>
/// <param name="Email">The <c>email</c> field: the key owner's address.</param>
/// <param name="ClientId">The <c>client_id</c> field: the API key's secret value.</param>
public sealed record AccessTokenRequest(string Environment, string Email, string ClientId)
{
    private static readonly string[] FieldNames = ["env", "email", "client_id"];

    /// <summary>
    /// Parses and checks the body, or raises <see cref="ApiErrorException"/> with a 400 that names
    /// the first field in error.
    /// </summary>
    public static AccessTokenRequest Parse(ReadOnlySpan<byte> body, EnvironmentOptions environments)
    {
        var values = JsonStringFields.Read(body, FieldNames);
        var environment = Required(values, 0);
        var email = Required(values, 1);
        var clientId = Required(values, 2);

        if (!environments.Contains(environment))
        {
            throw new ApiErrorException(ApiErrors.UnknownEnvironment("env", environments.Names));
        }

        if (email.Length > EmailAddress.MaxLength)
        {
            throw new ApiErrorException(ApiErrors.FieldTooLong("email", EmailAddress.MaxLength));
        }

        return new AccessTokenRequest(environment, email, clientId);
    }

    private static string Required(string?[] values, int index)
    {
        var value = values[index];
        return string.IsNullOrWhiteSpace(value) ? throw new ApiErrorException(ApiErrors.MissingField(FieldNames[index])) : value;
    }
}

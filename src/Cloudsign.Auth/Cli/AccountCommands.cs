using System.CommandLine;
using Cloudsign.Auth.Accounts;

namespace Cloudsign.Auth.Cli;

/// <summary><c>accounts create</c>.</summary>
internal static class AccountCommands
{
    public static Command Build(WebApplication app, Option<bool> json)
    {
        var email = new Option<string>("--email") { Description = "The account's email address.", Required = true };
        var password = new Option<string?>("--password")
        {
            Description = "A dashboard password (12 characters or more); without it the account can use API keys but not sign in.",
        };

        var create = new Command("create", "Create an account.") { email, password };
        create.SetAction((parse, cancellationToken) => OperatorCommands.RunAsync(app, async (services, ct) =>
        {
            var account = await services.GetRequiredService<AccountService>()
                .CreateAsync(parse.GetValue(email)!, parse.GetValue(password), ct);
            var output = new AccountOutput(account.Id, account.Email!);
            if (parse.GetValue(json))
            {
                CliOutput.Json(output, CliJsonContext.Default.AccountOutput);
                return;
            }

            CliOutput.Fields(("account_id", output.AccountId.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("email", output.Email));
        }, cancellationToken));

        return new Command("accounts", "Manage accounts.") { create };
    }
}

using System.CommandLine;
using Cloudsign.Auth.Accounts;
using Cloudsign.Auth.ApiKeys;

namespace Cloudsign.Auth.Cli;

/// <summary><c>keys create</c>, <c>keys list</c> and <c>keys revoke</c>.</summary>
internal static class KeyCommands
{
    public static Command Build(WebApplication app, Option<bool> json) =>
        new("keys", "Manage API keys.")
        {
            BuildCreate(app, json),
            BuildList(app, json),
            BuildRevoke(app, json),
        };

    private static Command BuildCreate(WebApplication app, Option<bool> json)
    {
        var email = new Option<string>("--email") { Description = "The owner's email address.", Required = true };
        var environment = new Option<string>("--env") { Description = "The key's environment, for good.", Required = true };
        var name = new Option<string?>("--name") { Description = "A label for the key." };
        var expiresIn = new Option<string?>("--expires-in") { Description = "The key's lifetime, such as 90d, 12h or 30m (default: ApiKeys:DefaultLifetime)." };
        var delivery = new Option<string>("--delivery") { Description = "How refresh tokens travel: body or cookie.", DefaultValueFactory = _ => "body" };
        delivery.AcceptOnlyFromAmong("body", "cookie");
        var origins = new Option<string[]>("--origin") { Description = "A browser origin allowed in cookie mode; repeat for several." };

        var create = new Command("create", "Create an API key and print its secret, once.")
        {
            email, environment, name, expiresIn, delivery, origins,
        };
        create.SetAction(async (parse, cancellationToken) =>
        {
            TimeSpan? lifetime = null;
            if (parse.GetValue(expiresIn) is { } text)
            {
                if (!DurationArgument.TryParse(text, out var parsed))
                {
                    return OperatorCommands.UsageError($"--expires-in '{text}' is not a duration: use a number with d, h or m, such as 90d.");
                }

                lifetime = parsed;
            }

            return await OperatorCommands.RunAsync(app, async (services, ct) =>
            {
                var account = await services.GetRequiredService<AccountService>().GetByEmailAsync(parse.GetValue(email)!, ct);
                var request = new NewApiKey(
                    parse.GetValue(name),
                    parse.GetValue(environment)!,
                    lifetime,
                    parse.GetValue(delivery) == "cookie" ? RefreshTokenDelivery.Cookie : RefreshTokenDelivery.Body,
                    parse.GetValue(origins) ?? []);
                var created = await services.GetRequiredService<ApiKeyService>().CreateAsync(account.Id, request, ct);
                var key = created.Key;
                var output = new CreatedApiKeyOutput(
                    key.Id, created.Secret, key.Name, key.Environment, key.Delivery.ToString().ToLowerInvariant(),
                    key.AllowedOrigins, CliOutput.Time(key.ExpiresAt));
                if (parse.GetValue(json))
                {
                    CliOutput.Json(output, CliJsonContext.Default.CreatedApiKeyOutput);
                    return;
                }

                CliOutput.Fields(
                    ("key_id", output.KeyId.ToString()),
                    ("client_id", output.ClientId),
                    ("name", output.Name),
                    ("env", output.Environment),
                    ("delivery", output.Delivery),
                    ("expires_at", output.ExpiresAt));
                await Console.Error.WriteLineAsync("The client_id is the key's secret. Store it now: it is not shown again.");
            }, cancellationToken);
        });
        return create;
    }

    private static Command BuildList(WebApplication app, Option<bool> json)
    {
        var email = new Option<string>("--email") { Description = "The owner's email address.", Required = true };
        var list = new Command("list", "List an account's API keys; secrets are never shown, only their last 4 characters.") { email };
        list.SetAction((parse, cancellationToken) => OperatorCommands.RunAsync(app, async (services, ct) =>
        {
            var account = await services.GetRequiredService<AccountService>().GetByEmailAsync(parse.GetValue(email)!, ct);
            var keys = await services.GetRequiredService<ApiKeyService>().ListAsync(account.Id, ct);
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var output = keys.Select(k => ApiKeyOutput.From(k, now)).ToList();
            if (parse.GetValue(json))
            {
                CliOutput.Json(output, CliJsonContext.Default.ListApiKeyOutput);
                return;
            }

            CliOutput.Table(
                ["KEY_ID", "NAME", "ENV", "STATUS", "SECRET", "DELIVERY", "EXPIRES_AT", "LAST_USED_AT"],
                output.Select(k => (IReadOnlyList<string>)
                    [k.KeyId.ToString(), k.Name, k.Environment, k.Status, "..." + k.SecretLast4, k.Delivery, k.ExpiresAt, k.LastUsedAt ?? "never"]));
        }, cancellationToken));
        return list;
    }

    private static Command BuildRevoke(WebApplication app, Option<bool> json)
    {
        var keyId = new Argument<string>("KEY_ID") { Description = "The public key id (a UUID) to revoke." };
        var revoke = new Command("revoke", "Revoke an API key; its tokens stop working at once.") { keyId };
        revoke.SetAction(async (parse, cancellationToken) =>
        {
            var text = parse.GetValue(keyId)!;
            if (!Guid.TryParse(text, out var id))
            {
                return OperatorCommands.UsageError($"KEY_ID '{text}' is not a key id: expected a UUID from 'keys list'.");
            }

            return await OperatorCommands.RunAsync(app, async (services, ct) =>
            {
                var key = await services.GetRequiredService<ApiKeyService>().RevokeAsync(id, ownerAccountId: null, ct);
                var output = ApiKeyOutput.From(key, services.GetRequiredService<TimeProvider>().GetUtcNow());
                if (parse.GetValue(json))
                {
                    CliOutput.Json(output, CliJsonContext.Default.ApiKeyOutput);
                    return;
                }

                CliOutput.Fields(("key_id", output.KeyId.ToString()), ("status", output.Status), ("revoked_at", output.RevokedAt));
            }, cancellationToken);
        });
        return revoke;
    }
}

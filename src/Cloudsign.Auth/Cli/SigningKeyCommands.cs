using System.CommandLine;
using Cloudsign.Auth.Signing;

namespace Cloudsign.Auth.Cli;

/// <summary><c>signing-keys list</c> and <c>signing-keys rotate</c>.</summary>
internal static class SigningKeyCommands
{
    public static Command Build(WebApplication app, Option<bool> json)
    {
        var list = new Command("list", "List the signing keys with their status: published, signing or retired.");
        list.SetAction((parse, cancellationToken) => OperatorCommands.RunAsync(app, async (services, ct) =>
        {
            var store = services.GetRequiredService<SigningKeyStore>();
            await store.EnsureActiveKeyAsync(ct);
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var output = (await store.ListAsync(ct)).Select(k => SigningKeyOutput.From(k, now)).ToList();
            if (parse.GetValue(json))
            {
                CliOutput.Json(output, CliJsonContext.Default.ListSigningKeyOutput);
                return;
            }

            CliOutput.Table(
                ["KID", "ALG", "STATUS", "CREATED_AT", "ACTIVE_FROM", "RETIRED_AT"],
                output.Select(k => (IReadOnlyList<string>)[k.KeyId, k.Algorithm, k.Status, k.CreatedAt, k.ActiveFrom, k.RetiredAt ?? "-"]));
        }, cancellationToken));

        var now = new Option<bool>("--now")
        {
            Description = "Sign with the new key at once instead of after Signing:PublishAhead; resource servers that cached the JWKS reject its tokens until they reload it.",
        };
        var rotate = new Command("rotate", "Create a new signing key, published now and signing after Signing:PublishAhead.") { now };
        rotate.SetAction((parse, cancellationToken) => OperatorCommands.RunAsync(app, async (services, ct) =>
        {
            var store = services.GetRequiredService<SigningKeyStore>();
            var key = await store.RotateAsync(parse.GetValue(now), ct);
            var output = SigningKeyOutput.From(key, services.GetRequiredService<TimeProvider>().GetUtcNow());
            if (parse.GetValue(json))
            {
                CliOutput.Json(output, CliJsonContext.Default.SigningKeyOutput);
                return;
            }

            CliOutput.Fields(("kid", output.KeyId), ("status", output.Status), ("active_from", output.ActiveFrom));
        }, cancellationToken));

        return new Command("signing-keys", "Manage the keys that sign tokens.") { list, rotate };
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json.Serialization;
using Cloudsign.Auth.Accounts;
using Cloudsign.Auth.Audit;

namespace Cloudsign.Auth.Cli;

public sealed record AuditEventOutput(
    [property: JsonPropertyName("time")] string Time,
    [property: JsonPropertyName("event")] string EventType,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("account_id")] long? AccountId,
    [property: JsonPropertyName("key_id")] Guid? KeyId,
    [property: JsonPropertyName("client_address")] string? ClientAddress,
    [property: JsonPropertyName("jti")] Guid? Jti,
    [property: JsonPropertyName("family_id")] Guid? FamilyId)
{
    public static AuditEventOutput From(AuditEvent e) =>
        new(CliOutput.Time(e.OccurredAt), e.EventType, e.Outcome, e.AccountId, e.ApiKeyId, e.ClientAddress, e.Jti, e.FamilyId);
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(List<AuditEventOutput>))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;

/// <summary><c>audit list</c>.</summary>
internal static class AuditCommands
{
    public static Command Build(WebApplication app, Option<bool> json)
    {
        var email = new Option<string?>("--email") { Description = "List only the events of this account." };
        var key = new Option<string?>("--key") { Description = "List only the events of this public key id (a UUID)." };
        var limit = new Option<int>("--limit") { Description = "The most events to list, newest first (1 to 10000).", DefaultValueFactory = _ => 100 };

        var list = new Command("list", "List audit events, newest first: token issuance, refresh, reuse, revocation and key changes.")
        {
            email, key, limit,
        };
        list.SetAction(async (parse, cancellationToken) =>
        {
            Guid? keyId = null;
            if (parse.GetValue(key) is { } keyText)
            {
                if (!Guid.TryParse(keyText, out var parsed))
                {
                    return OperatorCommands.UsageError($"--key '{keyText}' is not a key id: expected a UUID from 'keys list'.");
                }

                keyId = parsed;
            }

            var count = parse.GetValue(limit);
            if (count is < 1 or > AuditLog.MaxLimit)
            {
                return OperatorCommands.UsageError($"--limit {count} is out of range: set 1 to {AuditLog.MaxLimit}.");
            }

            return await OperatorCommands.RunAsync(app, async (services, ct) =>
            {
                long? accountId = null;
                if (parse.GetValue(email) is { } address)
                {
                    accountId = (await services.GetRequiredService<AccountService>().GetByEmailAsync(address, ct)).Id;
                }

                var events = await services.GetRequiredService<AuditLog>().ListAsync(new AuditQuery(accountId, keyId, count), ct);
                var output = events.Select(AuditEventOutput.From).ToList();
                if (parse.GetValue(json))
                {
                    CliOutput.Json(output, AuditJsonContext.Default.ListAuditEventOutput);
                    return;
                }

                CliOutput.Table(
                    ["TIME", "EVENT", "OUTCOME", "ACCOUNT_ID", "KEY_ID", "CLIENT_ADDRESS", "JTI"],
                    output.Select(e => (IReadOnlyList<string>)
                    [
                        e.Time, e.EventType, e.Outcome, e.AccountId?.ToString(CultureInfo.InvariantCulture) ?? "-",
                        e.KeyId?.ToString() ?? "-", e.ClientAddress ?? "-", e.Jti?.ToString() ?? "-",
                    ]));
            }, cancellationToken);
        });

        return new Command("audit", "Read the audit trail.") { list };
    }
}

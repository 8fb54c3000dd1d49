using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Cloudsign.Auth.Floor;

/// <summary>The floor's token endpoints: the unavoidable work, then the same with one of two write strategies.</summary>
internal sealed class FloorEndpoints(FloorKeyStore keys, FloorSigner signer, FloorGroupCommit groupCommit)
{
    public const string Email = "bench@example.com";

    public const string Environment = "production";

    private const int MaxBodyBytes = 16 * 1024;

    /// <summary>Parses, looks up, signs and replies; writes nothing.</summary>
    public async Task PairAsync(HttpContext context)
    {
        var key = await AuthenticateAsync(context);
        if (key is null)
        {
            return;
        }

        var (access, refresh, _) = signer.SignPair(key);
        await WriteEnvelopeAsync(context.Response, access, refresh);
    }

    /// <summary>Like <see cref="PairAsync"/>, and answers only after its family row is group-committed.</summary>
    public async Task PairWithGroupCommitAsync(HttpContext context)
    {
        var key = await AuthenticateAsync(context);
        if (key is null)
        {
            return;
        }

        var (access, refresh, familyId) = signer.SignPair(key);
        await groupCommit.InsertAsync(familyId, key.KeyId, DateTimeOffset.UtcNow.AddDays(90).ToUnixTimeSeconds());
        await WriteEnvelopeAsync(context.Response, access, refresh);
    }

    /// <summary>Like <see cref="PairAsync"/>, with one insert in its own transaction per request.</summary>
    public async Task PairWithInsertAsync(HttpContext context)
    {
        var key = await AuthenticateAsync(context);
        if (key is null)
        {
            return;
        }

        var (access, refresh, familyId) = signer.SignPair(key);
        await groupCommit.InsertAloneAsync(familyId, key.KeyId, DateTimeOffset.UtcNow.AddDays(90).ToUnixTimeSeconds());
        await WriteEnvelopeAsync(context.Response, access, refresh);
    }

    // Returns null after writing a 400 or 401, which the load never triggers.
    private async Task<FloorKey?> AuthenticateAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context.Request.BodyReader);
        if (body is null || !TryParse(body, out var environment, out var email, out var clientId))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return null;
        }

        var key = keys.Find(SHA256.HashData(Encoding.UTF8.GetBytes(clientId)));
        if (key is null || key.Email != email || key.Environment != environment)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return null;
        }

        return key;
    }

    private static async Task<byte[]?> ReadBodyAsync(PipeReader reader)
    {
        while (true)
        {
            var result = await reader.ReadAsync();
            var buffer = result.Buffer;
            if (buffer.Length > MaxBodyBytes)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                return null;
            }

            if (result.IsCompleted)
            {
                var body = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return body;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool TryParse(byte[] body, out string environment, out string email, out string clientId)
    {
        environment = email = clientId = "";
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            if (!reader.Read() || reader.TokenType != JsonTokenType.String)
            {
                return false;
            }

            var value = reader.GetString()!;
            switch (name)
            {
                case "env": environment = value; break;
                case "email": email = value; break;
                case "client_id": clientId = value; break;
                default: break;
            }
        }

        return environment.Length > 0 && email.Length > 0 && clientId.Length > 0;
    }

    private static async Task WriteEnvelopeAsync(HttpResponse response, string access, string refresh)
    {
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        using (var writer = new Utf8JsonWriter(response.BodyWriter))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("data");
            writer.WriteString("access_token", access);
            writer.WriteString("expires_in", "3600");
            writer.WriteString("refresh_token", refresh);
            writer.WriteString("token_type", "Bearer");
            writer.WriteEndObject();
            writer.WriteString("msg", "");
            writer.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync();
    }
}

using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Cloudsign.Auth.Tokens;

/// <summary>
/// Finds JSON objects that name a member twice in the base64url-encoded parts of a JWS. Parsers
/// disagree on which duplicate wins, so a token that contains one is rejected outright instead of
/// letting this service and a resource server read different claims (RFC 7515 §5.2, RFC 8725 §3.11).
/// </summary>
internal static class JsonDuplicateMembers
{
    private const int MaxDepth = 64;

    /// <summary>Returns whether the base64url <paramref name="encoded"/> JSON contains a duplicate member at any depth.</summary>
    public static bool Contains(ReadOnlySpan<char> encoded)
    {
        var maxLength = Base64Url.GetMaxDecodedLength(encoded.Length);
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(maxLength, 1));
        try
        {
            if (!Base64Url.TryDecodeFromChars(encoded, rented, out var written))
            {
                // The signature already covered these bytes and the JWT library read them, so this is not reached.
                return true;
            }

            return ContainsDuplicate(rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool ContainsDuplicate(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        var names = new Stack<HashSet<string>>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        names.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.EndObject:
                        names.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        // Names compare after unescaping: "exp" and "\u0065xp" are the same member.
                        if (!names.Peek().Add(reader.GetString()!))
                        {
                            return true;
                        }

                        break;
                }
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // Unreadable JSON cannot be shown free of duplicates.
            return true;
        }

        return false;
    }
}

using System.Text.Json;

namespace Cloudsign.Auth.Http;

/// <summary>
/// Reads the string members of a flat JSON object by name, with errors that name the field:
/// a known member that is not a string, or that appears twice, is rejected; unknown members are
/// skipped; a <c>null</c> member counts as absent.
/// </summary>
public static class JsonStringFields
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 32 };

    /// <summary>
    /// Parses <paramref name="body"/> and returns one value per name in <paramref name="fieldNames"/>,
    /// in the same order, or raises <see cref="ApiErrorException"/> with a 400 that names the field.
    /// </summary>
    public static string?[] Read(ReadOnlySpan<byte> body, ReadOnlySpan<string> fieldNames)
    {
        // RFC 8259 §8.1 lets a parser ignore a leading byte order mark, which some clients send.
        if (body.StartsWith("\uFEFF"u8))
        {
            body = body[3..];
        }

        var values = new string?[fieldNames.Length];
        var seen = new bool[fieldNames.Length];
        var reader = new Utf8JsonReader(body, ReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new ApiErrorException(ApiErrors.MalformedJson);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var index = IndexOf(ref reader, fieldNames);
                reader.Read();
                if (index < 0)
                {
                    reader.Skip();
                    continue;
                }

                if (seen[index])
                {
                    // A duplicate member is ambiguous: parsers disagree on which one wins (RFC 8259 §4).
                    throw new ApiErrorException(ApiErrors.DuplicateField(fieldNames[index]));
                }

                seen[index] = true;
                values[index] = reader.TokenType switch
                {
                    JsonTokenType.String => reader.GetString(),
                    JsonTokenType.Null => null,
                    _ => throw new ApiErrorException(ApiErrors.WrongFieldType(fieldNames[index])),
                };
            }

            // Nothing may follow the closing brace but whitespace.
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw new ApiErrorException(ApiErrors.MalformedJson);
            }
        }
        catch (JsonException)
        {
            throw new ApiErrorException(ApiErrors.MalformedJson);
        }
        catch (InvalidOperationException)
        {
            // Raised by GetString for a string with invalid escapes or UTF-8.
            throw new ApiErrorException(ApiErrors.MalformedJson);
        }

        return values;
    }

    private static int IndexOf(ref Utf8JsonReader reader, ReadOnlySpan<string> fieldNames)
    {
        for (var i = 0; i < fieldNames.Length; i++)
        {
            if (reader.ValueTextEquals(fieldNames[i]))
            {
                return i;
            }
        }

        return -1;
    }
}

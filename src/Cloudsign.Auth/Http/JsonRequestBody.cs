using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Net.Http.Headers;

namespace Cloudsign.Auth.Http;

/// <summary>
/// Reads a request body that must be JSON and at most <see cref="MaxBytes"/> long, before any
/// parsing, so that oversized or mistyped bodies are rejected without being buffered whole.
/// </summary>
public static class JsonRequestBody
{
    /// <summary>The largest accepted body, in bytes (16 KiB).</summary>
    public const int MaxBytes = 16 * 1024;

    /// <summary>
    /// Returns whether the request declares <c>application/json</c>, with no charset or UTF-8.
    /// </summary>
    public static bool HasJsonContentType(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType))
        {
            return false;
        }

        if (!mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // A parameter value may be a quoted string (RFC 9110 §5.6.6): charset="UTF-8" is UTF-8 too.
        var charset = HeaderUtilities.RemoveQuotes(mediaType.Charset);
        return !charset.HasValue || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Reads the whole body into memory, or raises <see cref="ApiErrorException"/> with 413
    /// when it is longer than <see cref="MaxBytes"/>.
    /// </summary>
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes)
        {
            throw new ApiErrorException(ApiErrors.BodyTooLarge(MaxBytes));
        }

        PipeReader reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (buffer.Length > MaxBytes)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                throw new ApiErrorException(ApiErrors.BodyTooLarge(MaxBytes));
            }

            if (result.IsCompleted)
            {
                var body = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return body;
            }

            // Examine everything so the next read waits for more data.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}

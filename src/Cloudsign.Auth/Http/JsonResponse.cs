using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Cloudsign.Auth.Http;

/// <summary>
/// Writes a JSON response body with its <c>Content-Length</c>, in one piece. The response
/// helpers of ASP.NET Core stream the body without a length, so Kestrel sends it chunked: one
/// send for the body and another for the final chunk, both seen in a load profile of the token
/// endpoint. Buffered here, with its length known, the headers and the body leave in one send.
/// </summary>
internal static class JsonResponse
{
    private const string ContentType = "application/json; charset=utf-8";

    /// <summary>Serializes <paramref name="value"/> with <paramref name="typeInfo"/> and writes it as the whole body.</summary>
    public static async Task WriteAsync<T>(HttpResponse response, T value, JsonTypeInfo<T> typeInfo)
    {
        var buffer = new ArrayPoolBufferWriter();
        try
        {
            using (var writer = new Utf8JsonWriter(buffer))
            {
                JsonSerializer.Serialize(writer, value, typeInfo);
            }

            response.ContentType = ContentType;
            response.ContentLength = buffer.WrittenCount;
            await response.BodyWriter.WriteAsync(buffer.WrittenMemory);
        }
        finally
        {
            buffer.Dispose();
        }
    }

    // An IBufferWriter over one array rented from the shared pool, grown by renting a larger one.
    private sealed class ArrayPoolBufferWriter : IBufferWriter<byte>, IDisposable
    {
        private byte[] _array = ArrayPool<byte>.Shared.Rent(2048);

        public int WrittenCount { get; private set; }

        public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, WrittenCount);

        public void Advance(int count) => WrittenCount += count;

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Reserve(sizeHint);
            return _array.AsMemory(WrittenCount);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Reserve(sizeHint);
            return _array.AsSpan(WrittenCount);
        }

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = [];
        }

        private void Reserve(int sizeHint)
        {
            var needed = WrittenCount + Math.Max(sizeHint, 1);
            if (needed <= _array.Length)
            {
                return;
            }

            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _array.Length * 2));
            _array.AsSpan(0, WrittenCount).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_array);
            _array = larger;
        }
    }
}

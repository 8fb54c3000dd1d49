using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Metadata;

namespace Cloudsign.Auth.Http;

/// <summary>
/// A 200 with the success envelope <c>{"data": ..., "msg": ""}</c>, serialized by the
/// source-generated <see cref="CloudsignJsonContext"/> and written with its <c>Content-Length</c>.
/// </summary>
/// <typeparam name="T">The payload type; <see cref="CloudsignJsonContext"/> must know <c>Envelope&lt;T&gt;</c>.</typeparam>
public sealed class EnvelopeOk<T>(T? data)
    : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<Envelope<T>>, IEndpointMetadataProvider
    where T : class
{
    private static readonly JsonTypeInfo<Envelope<T>> TypeInfo =
        (JsonTypeInfo<Envelope<T>>)(CloudsignJsonContext.Default.GetTypeInfo(typeof(Envelope<T>))
            ?? throw new InvalidOperationException($"CloudsignJsonContext has no serializer for Envelope<{typeof(T).Name}>."));

    public Envelope<T> Value { get; } = new(data, "");

    public int? StatusCode => StatusCodes.Status200OK;

    object? IValueHttpResult.Value => Value;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        return JsonResponse.WriteAsync(httpContext.Response, Value, TypeInfo);
    }

    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(Envelope<T>), ["application/json"]));
}

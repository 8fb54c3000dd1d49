using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace Cloudsign.Auth.Http;

/// <summary>
/// A failed outcome of a Cloudsign endpoint: the <see cref="ApiError"/> status and the
/// <c>{"data": null, "msg": ...}</c> envelope, with optional extra headers such as an
/// RFC 6750 challenge or <c>Retry-After</c>.
/// </summary>
public sealed class EnvelopeError(ApiError error, IReadOnlyList<KeyValuePair<string, string>>? headers = null)
    : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    public ApiError Error { get; } = error;

    public int? StatusCode => Error.Status;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = Error.Status;
        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                response.Headers.Append(name, value);
            }
        }

        return JsonResponse.WriteAsync(response, new Envelope<object>(null, Error.Message), CloudsignJsonContext.Default.EnvelopeObject);
    }

    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        builder.Metadata.Add(new ProducesResponseTypeMetadata(
            StatusCodes.Status400BadRequest, typeof(Envelope<object>), ["application/json"]));
        builder.Metadata.Add(new ProducesResponseTypeMetadata(
            StatusCodes.Status401Unauthorized, typeof(Envelope<object>), ["application/json"]));
    }
}

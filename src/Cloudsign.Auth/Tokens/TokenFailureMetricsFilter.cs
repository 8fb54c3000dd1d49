using Cloudsign.Auth.Http;
using Cloudsign.Auth.Storage;

namespace Cloudsign.Auth.Tokens;

/// <summary>
/// Counts the failures of a token endpoint by <see cref="ApiError.Code"/>. It runs inside the
/// exception boundary, so it receives the errors that the endpoint returns or raises before they
/// become envelopes. It changes no response.
/// </summary>
internal sealed class TokenFailureMetricsFilter(TokenMetrics metrics) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var endpoint = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "unknown";
        try
        {
            var result = await next(context);
            var error = result switch
            {
                EnvelopeError direct => direct,
                INestedHttpResult { Result: EnvelopeError nested } => nested,
                _ => null,
            };
            if (error is not null)
            {
                metrics.RecordFailure(endpoint, error.Error.Code);
            }

            return result;
        }
        catch (ApiErrorException exception)
        {
            metrics.RecordFailure(endpoint, exception.Error.Code);
            throw;
        }
        catch (Exception exception) when (StorageFailure.IsOutage(exception))
        {
            metrics.RecordFailure(endpoint, ApiErrors.ServiceUnavailable.Code);
            throw;
        }
    }
}

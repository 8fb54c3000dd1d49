using Cloudsign.Auth.Storage;

namespace Cloudsign.Auth.Http;

/// <summary>
/// The exception boundary and response defaults of every Cloudsign endpoint: sets
/// <c>Cache-Control: no-store</c>, caps the <c>Authorization</c> header, and turns exceptions
/// into envelopes: an <see cref="ApiErrorException"/> into its error, a database outage into 503,
/// anything else into a logged, generic 500.
/// </summary>
public sealed partial class CloudsignEndpointFilter(ILogger<CloudsignEndpointFilter> logger) : IEndpointFilter
{
    /// <summary>The largest accepted <c>Authorization</c> header, in bytes (8 KiB).</summary>
    public const int MaxAuthorizationHeaderBytes = 8 * 1024;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var httpContext = context.HttpContext;

        // Tokens and credentials must never be stored by a cache (RFC 6749 §5.1).
        httpContext.Response.Headers.CacheControl = "no-store";

        var authorization = httpContext.Request.Headers.Authorization;
        if (authorization.Count > 0 && authorization.ToString().Length > MaxAuthorizationHeaderBytes)
        {
            return new EnvelopeError(ApiErrors.HeaderTooLarge("Authorization", MaxAuthorizationHeaderBytes));
        }

        try
        {
            return await next(context);
        }
        catch (ApiErrorException exception)
        {
            return exception.ToResult();
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new EnvelopeError(ApiErrors.BodyTooLarge(JsonRequestBody.MaxBytes));
        }
        catch (OperationCanceledException) when (httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client disconnected, so no response can be delivered.
            throw;
        }
        catch (Exception exception) when (StorageFailure.IsOutage(exception))
        {
            LogStorageUnavailable(logger, httpContext.Request.Path, exception.GetType().Name);
            return new EnvelopeError(ApiErrors.ServiceUnavailable);
        }
#pragma warning disable CA1031 // The boundary must catch everything so that no internal detail reaches a client.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogUnhandledException(logger, httpContext.Request.Path, exception);
            return new EnvelopeError(ApiErrors.InternalError);
        }
    }

    [LoggerMessage(EventId = 1001, EventName = "StorageUnavailable", Level = LogLevel.Error,
        Message = "The database could not be reached while serving {Path} ({ExceptionType}); returned 503")]
    private static partial void LogStorageUnavailable(ILogger logger, PathString path, string exceptionType);

    [LoggerMessage(EventId = 1002, EventName = "UnhandledException", Level = LogLevel.Error,
        Message = "An unhandled exception occurred while serving {Path}; returned 500")]
    private static partial void LogUnhandledException(ILogger logger, PathString path, Exception exception);
}

using System.Data.Common;
using Microsoft.EntityFrameworkCore.Storage;

namespace Cloudsign.Auth.Storage;

/// <summary>Tells a database outage apart from a fault of the service, so that an outage gets 503.</summary>
public static class StorageFailure
{
    /// <summary>Returns whether <paramref name="exception"/> or one of its inner exceptions comes from the database.</summary>
    public static bool IsOutage(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is DbException or TimeoutException or RetryLimitExceededException)
            {
                return true;
            }
        }

        return false;
    }
}

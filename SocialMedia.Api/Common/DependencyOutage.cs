using System.Net.Sockets;
using Amazon.Runtime;
using Npgsql;

namespace SocialMedia.Api.Common;

/// <summary>
/// Tells an outage of a dependency (PostgreSQL, S3) from a defect. An outage is the client's
/// "come back shortly" (503 with Retry-After); a defect stays a 500 that pages an operator. Retries
/// have already run by the time an exception gets here (the database pipeline's, the AWS SDK's),
/// so what is left is an outage that outlasted them.
/// </summary>
internal static class DependencyOutage
{
    /// <summary>
    /// How long a client should wait before retrying: about what a PostgreSQL restart or an Aurora
    /// failover takes, so the retry most likely lands on a working service.
    /// </summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>Whether the exception, or one it wraps, says a dependency could not answer.</summary>
    public static bool IsOutage(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AggregateException aggregate)
            {
                return aggregate.InnerExceptions.Any(IsOutage);
            }

            if (IsOutageItself(e))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsOutageItself(Exception e) => e switch
    {
        PostgresException postgres => IsUnavailableState(postgres.SqlState) || postgres.IsTransient,
        // A second command on a busy connection is this code's bug, not the server's state.
        NpgsqlOperationInProgressException => false,
        // Not a server answer: the connection could not be made or broke (IO, socket, timeout,
        // pool exhausted while the server is slow).
        NpgsqlException => true,
        // The service answered, but with its own failure (500 InternalError, 503 SlowDown).
        AmazonServiceException service => (int)service.StatusCode >= 500,
        // The SDK could not reach the service at all.
        AmazonClientException => e.InnerException is not null && IsOutage(e.InnerException),
        HttpRequestException or SocketException or TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// Server states that mean "not now" rather than "not this": connection failures (class 08),
    /// insufficient resources (53), operator intervention such as a shutdown or a server still
    /// starting (57P0x), system errors (58), and a writer that became read-only in a failover.
    /// </summary>
    private static bool IsUnavailableState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal)
        || state.StartsWith("53", StringComparison.Ordinal)
        || state.StartsWith("57P", StringComparison.Ordinal)
        || state.StartsWith("58", StringComparison.Ordinal)
        || state == PostgresErrorCodes.ReadOnlySqlTransaction;
}

using System.Net;
using Amazon.S3;
using Npgsql;
using SocialMedia.Api.Common;

namespace SocialMedia.Tests.Unit;

/// <summary>
/// What answers 503 (come back shortly) and what stays a 500 (a defect that pages someone). The
/// outage tests drive the real failures end to end; this pins the states they cannot easily reach.
/// </summary>
public sealed class DependencyOutageTests
{
    public static TheoryData<string, bool> ServerStates => new()
    {
        { "57P01", true },  // admin shutdown
        { "57P03", true },  // the server is starting
        { "08006", true },  // connection failure
        { "53300", true },  // too many connections
        { "25006", true },  // read-only transaction: a writer that became a reader in a failover
        { "40001", true },  // serialization failure, after the retries
        { "22021", false }, // invalid byte sequence: bad input that validation should have caught
        { "23505", false }, // unique violation no store handled
        { "42P01", false }, // undefined table: a deployment defect
    };

    [Theory]
    [MemberData(nameof(ServerStates))]
    public void Server_states_that_mean_not_now_are_outages_and_the_rest_are_defects(string sqlState, bool outage) =>
        Assert.Equal(outage, DependencyOutage.IsOutage(new PostgresException("message", "ERROR", "ERROR", sqlState)));

    [Fact]
    public void Unreachable_dependencies_are_outages_even_when_wrapped()
    {
        Assert.True(DependencyOutage.IsOutage(new NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException(111))));
        Assert.True(DependencyOutage.IsOutage(new InvalidOperationException("wrapped", new HttpRequestException("Connection refused"))));
        Assert.True(DependencyOutage.IsOutage(new AggregateException(new TimeoutException())));
        Assert.True(DependencyOutage.IsOutage(new AmazonS3Exception("SlowDown") { StatusCode = HttpStatusCode.ServiceUnavailable }));
    }

    [Fact]
    public void Answers_a_retry_cannot_change_are_defects()
    {
        Assert.False(DependencyOutage.IsOutage(new AmazonS3Exception("AccessDenied") { StatusCode = HttpStatusCode.Forbidden }));
        Assert.False(DependencyOutage.IsOutage(new InvalidOperationException("a bug")));
        Assert.False(DependencyOutage.IsOutage(new NpgsqlOperationInProgressException(new NpgsqlCommand("SELECT 1"))));
    }
}

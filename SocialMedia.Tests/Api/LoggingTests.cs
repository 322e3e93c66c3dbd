using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Api;

/// <summary>The API with every log record it writes kept for the test to read: in the test process.</summary>
public sealed class LogCapturingApiFactory : ApiFactory
{
    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    protected override bool InProcessOnly => true;

    protected override void ConfigureInProcess(IWebHostBuilder builder) => builder.ConfigureLogging(logging => logging.AddFakeLogging());

    public IReadOnlyList<FakeLogRecord> Errors() => [.. Logs.GetSnapshot().Where(r => r.Level >= LogLevel.Error)];
}

/// <summary>What operators read: an error in the logs means something went wrong, once.</summary>
[Trait(TestHost.Trait, TestHost.InProcessOnly)]
public sealed class LoggingTests(LogCapturingApiFactory factory) : IClassFixture<LogCapturingApiFactory>
{
    [Fact]
    public async Task A_name_taken_in_a_race_is_a_409_and_no_error_in_the_logs()
    {
        var username = "race_" + Guid.NewGuid().ToString("N")[..8];
        var statuses = await factory.RegisterConcurrentlyAsync(username);

        Assert.Single(statuses, s => s == HttpStatusCode.Created);
        Assert.All(statuses.Where(s => s != HttpStatusCode.Created), s => Assert.Equal(HttpStatusCode.Conflict, s));
        Assert.Empty(factory.Errors().Select(r => $"{r.Category}: {r.Message}"));
    }
}

/// <summary>On a factory of its own: this test breaks its database on purpose.</summary>
[Trait(TestHost.Trait, TestHost.InProcessOnly)]
public sealed class UnansweredFailureLoggingTests(LogCapturingApiFactory factory) : IClassFixture<LogCapturingApiFactory>
{
    [Fact]
    public async Task A_failure_the_api_does_not_answer_is_logged_once_at_error_with_the_request_and_its_trace_id()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        var postId = (await client.CreatePostAsync()).GetProperty("id").GetGuid();
        factory.Logs.Clear();
        await using (var connection = new Npgsql.NpgsqlConnection(factory.ConnectionString))
        {
            await connection.OpenAsync();
            // A broken deploy: the table the post's statement reads is gone.
            await using var command = new Npgsql.NpgsqlCommand("ALTER TABLE posts RENAME TO posts_gone", connection);
            await command.ExecuteNonQueryAsync();
        }

        string traceId;
        try
        {
            using var response = await client.GetAsync($"/api/v1/posts/{postId}");
            var problem = await response.AssertProblemAsync(HttpStatusCode.InternalServerError);
            traceId = problem.GetProperty("trace_id").GetString()!;
        }
        finally
        {
            await using var connection = new Npgsql.NpgsqlConnection(factory.ConnectionString);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("ALTER TABLE posts_gone RENAME TO posts", connection);
            await command.ExecuteNonQueryAsync();
        }

        var error = Assert.Single(factory.Errors());
        Assert.Contains($"GET /api/v1/posts/{postId}", error.Message, StringComparison.Ordinal);
        // The id the user quotes finds this line, whether or not anything traces the request.
        Assert.Contains(traceId, error.Message, StringComparison.Ordinal);
        Assert.Contains("42P01", error.Exception?.ToString(), StringComparison.Ordinal); // undefined_table
    }
}

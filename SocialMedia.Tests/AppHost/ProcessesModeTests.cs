using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace SocialMedia.Tests.AppHost;

/// <summary>
/// The one-command promise, checked end to end without a container runtime: the AppHost starts
/// PostgreSQL and s3rver as local processes and the API works through them.
/// </summary>
[Collection(AppHostsOneAtATime.Name)]
public sealed class ProcessesModeTests(ProcessesModeAppHost host) : IClassFixture<ProcessesModeAppHost>
{
    [Fact]
    public Task User_registers_uploads_an_image_through_the_presigned_url_then_posts_likes_and_comments() =>
        AppHostScenarios.RegisterUploadPostLikeAndCommentAsync(host);

    [Fact]
    public async Task Seed_demo_data_command_fills_the_timeline_with_users_images_likes_and_comments()
    {
        using var timeout = new CancellationTokenSource(ProcessesModeAppHost.StartupTimeout);
        var result = await host.App.ResourceCommands.ExecuteCommandAsync("api", "seed-demo-data", timeout.Token);
        Assert.True(result.Success, result.Message);

        using var api = host.CreateApiClient();
        using var login = await api.PostAsJsonAsync("/api/v1/auth/login", new { email = "alice@example.com", password = "demo-password" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);

        var page = await api.GetFromJsonAsync<JsonElement>("/api/v1/posts?limit=100");
        var posts = page.GetProperty("data").EnumerateArray().ToList();
        var authors = posts.Select(p => p.GetProperty("author").GetProperty("username").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "alice", "bob", "carol", "dave" }, authors);
        Assert.Contains(posts, p => p.GetProperty("image_url").ValueKind == JsonValueKind.String);
        Assert.Contains(posts, p => p.GetProperty("likes_count").GetInt32() > 0);
        Assert.Contains(posts, p => p.GetProperty("comments_count").GetInt32() > 0);
    }

    [Fact]
    public async Task Migrations_run_as_their_own_step_and_finish_before_the_api_starts()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var notifications = host.App.ResourceNotifications;
        var migrations = await notifications.WaitForResourceAsync("migrations", e => e.Snapshot.State?.Text == KnownResourceStates.Finished, timeout.Token);
        Assert.Equal(0, migrations.Snapshot.ExitCode);

        // The order itself is the orchestrator's WaitForCompletion. The two resources' start and stop
        // timestamps cannot show it: the orchestrator stamps an exit when it observes it, which on a
        // busy machine can be after the process it released has started.
        var model = host.App.Services.GetRequiredService<DistributedApplicationModel>();
        var api = Assert.Single(model.Resources, r => r.Name == "api");
        Assert.Contains(api.Annotations.OfType<WaitAnnotation>(),
            w => w.Resource.Name == "migrations" && w.WaitType == WaitType.WaitForCompletion);
        Assert.True(notifications.TryGetCurrentState("api", out var apiState));
        Assert.Equal(KnownResourceStates.Running, apiState!.Snapshot.State?.Text);
    }

    [Fact]
    public void Postgres_keeps_its_data_in_the_app_hosts_data_folder_and_listens_on_a_random_port()
    {
        Assert.True(File.Exists(Path.Combine(host.DataDirectory, "postgres", "PG_VERSION")));
        Assert.True(Directory.Exists(Path.Combine(host.DataDirectory, "s3rver", "social-media-images")));
        // The testing builder moves even the API's fixed port, so a developer's running AppHost is never in the way.
        Assert.NotEqual(5080, host.App.GetEndpoint("api", "http").Port);
    }
}

/// <summary>
/// Whole AppHosts are heavy on a 2-core machine: they run one at a time, after the parallel tests,
/// so their orchestrator is never starved while stopping or restarting a resource.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AppHostsOneAtATime
{
    public const string Name = "AppHost";
}

/// <summary>Reset empties the database; it gets an AppHost of its own so no other test loses its rows.</summary>
[Collection(AppHostsOneAtATime.Name)]
public sealed class ResetDatabaseCommandTests(ProcessesModeAppHost host) : IClassFixture<ProcessesModeAppHost>
{
    [Fact]
    public async Task Reset_database_command_leaves_an_empty_migrated_database_and_a_running_api()
    {
        using var api = host.CreateApiClient();
        var name = $"r{Guid.NewGuid():N}"[..20];
        using (var register = await api.PostAsJsonAsync("/api/v1/auth/register", new { email = $"{name}@example.com", password = "correct horse", username = name }))
        {
            Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        }

        // The tables are emptied in place: the running API sees an empty, still-migrated database.
        using var timeout = new CancellationTokenSource(ProcessesModeAppHost.StartupTimeout);
        var result = await host.App.ResourceCommands.ExecuteCommandAsync("api", "reset-database", timeout.Token);
        Assert.True(result.Success, result.Message);

        // The tables are there (the migrations step made them), and empty.
        using var login = await api.PostAsJsonAsync("/api/v1/auth/login", new { email = $"{name}@example.com", password = "correct horse" });
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        var page = await api.GetFromJsonAsync<JsonElement>("/api/v1/posts");
        Assert.Empty(page.GetProperty("data").EnumerateArray());
    }
}

using SocialMedia.Api.Common;
using SocialMedia.Api.Database;
using SocialMedia.Api.Features.Auth;
using SocialMedia.Api.Features.Comments;
using SocialMedia.Api.Features.Images;
using SocialMedia.Api.Features.Likes;
using SocialMedia.Api.Features.Posts;
using SocialMedia.Api.Infrastructure;
using SocialMedia.Hosting.Lambda;

// The slim builder leaves out what this API never uses (IIS, HTTP/3 over QUIC, hosting startup
// assemblies, regex route constraints) and so never loads it: start-up and memory, on Kestrel and
// in Lambda alike (bench/README.md). HTTPS endpoints from configuration stay available, and so do
// logs for dotnet-trace and dotnet-monitor (EventSource). Its console logger writes the simple
// format only (Logging:Console:FormatterName is not read); OTLP carries structured logs.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseKestrelHttpsConfiguration();
builder.Logging.AddEventSourceLogger();
builder.Configuration.AddSecretsExtension();

// What the API is made of, in the order it is wired: each Add… lives beside its part.
builder.AddServiceDefaults();
builder.AddDatabase();
// Auth before the web API: exception handlers run in the order they are added, and a revoked
// token's unreadable body must be refused as the token, not reported as the body.
builder.AddAuth();
builder.AddWebApi();
builder.AddImages();
builder.AddPosts();
builder.AddLikes();
builder.AddComments();
builder.AddAWSLambdaHosting(LambdaEventSource.RestApi);
builder.AddFunctionGroupFilter();
builder.Services.RemoveDataProtectionKeyRingLoader();

// Disposed on every way out: the console logger writes from a queue, and `migrate` exits right
// after its last line.
await using var app = builder.Build();

if (args is ["migrate", ..])
{
    return await app.MigrateDatabaseAsync();
}

// The migrate function, like the migrate command, needs the database and nothing else (no JWT key).
if (!app.TryValidateConfiguration(onlyDatabase: app.IsLambdaHandler(MigrationHandler.HandlerName)))
{
    return 1;
}

// Overlaps the first connection's set-up with the rest of the start (cold starts).
app.OpenFirstConnectionInBackground();
await app.PrepareAsync();

app.UseWebApi();
app.MapDefaultEndpoints();
app.MapApiDocumentation();
app.MapAuth();
app.MapPosts();
app.MapLikes();
app.MapComments();

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;

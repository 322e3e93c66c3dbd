using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;

namespace SocialMedia.Api.Hosting.Lambda;

/// <summary>
/// The IServer of Lambda mode, in Kestrel's place: no socket. Starting it starts the invocation
/// loop against the Runtime API; each API Gateway event runs through the IHttpApplication the
/// host hands over, i.e. the app's complete middleware pipeline.
/// </summary>
internal sealed class LambdaServer(
    LambdaHostingOptions options,
    LambdaInvocationLoop loop,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    ILogger<LambdaServer> logger) : IServer
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _running;

    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull
    {
        ILambdaHandler handler = options.Handler == LambdaHostingOptions.AuthorizerHandler
            ? ActivatorUtilities.CreateInstance<LambdaAuthorizer>(services)
            : new ApiGatewayHandler<TContext>(
                application,
                services.GetRequiredService<IProblemDetailsService>(),
                services,
                services.GetRequiredService<TimeProvider>(),
                logger);
        logger.LogInformation("Lambda mode: taking {Handler} invocations from the Runtime API", options.Handler);
        _running = Task.Run(() => RunAsync(handler), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task RunAsync(ILambdaHandler handler)
    {
        try
        {
            await loop.RunAsync(handler, _stopping.Token);
        }
        catch (Exception e)
        {
            // The Runtime API is gone or broken: the sandbox is being torn down, or misconfigured.
            // Exit non-zero so Lambda starts a fresh one rather than keeping a zombie.
            logger.LogCritical(e, "The Lambda Runtime API failed; stopping");
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_running is not null)
        {
            await _running.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose() => _stopping.Dispose();
}

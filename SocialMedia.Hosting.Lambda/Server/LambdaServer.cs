using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SocialMedia.Hosting.Lambda.ApiGateway;
using SocialMedia.Hosting.Lambda.Runtime;
using SocialMedia.Hosting.Lambda.Telemetry;

namespace SocialMedia.Hosting.Lambda.Server;

/// <summary>
/// The IServer of Lambda mode, in Kestrel's place: no socket. Starting it starts the invocation
/// loop against the Runtime API with the entry <c>_HANDLER</c> names: the API Gateway adapter,
/// which runs each event through the IHttpApplication the host hands over (the app's complete
/// middleware pipeline), or a handler the app added with <c>AddLambdaHandler</c>.
/// </summary>
internal sealed class LambdaServer(
    LambdaHostingOptions options,
    LambdaInvocationLoop loop,
    LambdaTelemetry telemetry,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    ILogger<LambdaServer> logger) : IServer
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _running;

    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull
    {
        ILambdaHandler handler = options.Handler == LambdaHostingOptions.ApiHandler
            ? new ApiGatewayHandler<TContext>(
                application,
                services.GetService<IProblemDetailsService>(),
                services,
                services.GetRequiredService<TimeProvider>(),
                logger)
            : AddedHandler(options.Handler);
        logger.LogInformation("Lambda mode: taking {Handler} invocations from the Runtime API", options.Handler);
        _running = Task.Run(() => RunAsync(handler), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>The handler the app added under <paramref name="name"/>; failing the start (an init error) when there is none.</summary>
    private NamedHandler AddedHandler(string name)
    {
        var names = services.GetServices<LambdaHandlerName>().Select(n => n.Value).ToList();
        return names.Contains(name)
            ? new NamedHandler(name, services, telemetry)
            : throw new InvalidOperationException(
                $"{LambdaHostingOptions.HandlerVariable} is '{name}', which this function does not have: use {string.Join(", ", names.Order(StringComparer.Ordinal).Prepend(LambdaHostingOptions.ApiHandler).Select(n => $"'{n}'"))}.");
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

    /// <summary>
    /// A handler added with <c>AddLambdaHandler</c>: each invocation in a service scope of its own,
    /// under a server span that continues the invocation's trace.
    /// </summary>
    private sealed class NamedHandler(string name, IServiceProvider services, LambdaTelemetry telemetry) : ILambdaHandler
    {
        public async Task<byte[]> HandleAsync(LambdaInvocation invocation, CancellationToken cancellationToken)
        {
            using var activity = telemetry.StartInvocation(name, invocation);
            await using var scope = services.CreateAsyncScope();
            try
            {
                return await scope.ServiceProvider.GetRequiredKeyedService<ILambdaHandler>(name).HandleAsync(invocation, cancellationToken);
            }
            catch (Exception e)
            {
                activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e is LambdaErrorException ? e.Message : e.GetType().Name);
                throw;
            }
        }
    }
}

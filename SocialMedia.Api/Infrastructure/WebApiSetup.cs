using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;
using SocialMedia.Api.Common;

namespace SocialMedia.Api.Infrastructure;

internal static class WebApiSetup
{
    /// <summary>JSON, problem details, CORS, body limits and OpenAPI: how the API talks HTTP.</summary>
    public static IHostApplicationBuilder AddWebApi(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.Configure<JsonOptions>(options => JsonSetup.Configure(options.SerializerOptions));
        services.AddProblemDetails(options => options.CustomizeProblemDetails = Problems.Customize);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        // Always throw on bad requests so the exception handler writes one problem shape for all of them.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(options =>
        {
            options.Limits.MaxRequestBodySize = RequestBodyLimit.MaxBytes;
            options.AddServerHeader = false;
        });

        // Kestrel's default first waits for data with a zero-byte read and only then rents a buffer
        // and reads: one more receive and readiness round per request. Behind a load balancer or API
        // Gateway there are a few busy keep-alive connections, not thousands of idle ones, so each
        // keeps its 4 KiB buffer instead (bench/README.md has what it is worth).
        services.Configure<SocketTransportOptions>(options => options.WaitForDataBeforeAllocatingBuffer = false);
        services.AddOptions<CorsOriginsOptions>().BindConfiguration(CorsOriginsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CorsOriginsOptions>, CorsOriginsOptionsValidator>();
        services.AddCors();
        services.AddSingleton<IConfigureOptions<CorsOptions>, CorsPolicySetup>();

        services.AddApiDocumentation();
        return builder;
    }

    /// <summary>
    /// AddAuthentication brings ASP.NET Core data protection along for cookie schemes, and with it a
    /// hosted service that loads the key ring at every start: it parses XML and, on a machine with no
    /// key yet, creates one and writes it to disk unencrypted (or, where $HOME is read-only, as in
    /// Lambda, keeps it in memory and logs a warning at each start). This API issues bearer tokens
    /// only and protects nothing with those keys, so the key ring is never loaded. Called last, after
    /// everything that could register the service again.
    /// </summary>
    public static void RemoveDataProtectionKeyRingLoader(this IServiceCollection services)
    {
        // The hosted service's type is internal to Microsoft.AspNetCore.DataProtection.
        const string keyRingLoader = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IHostedService) && services[i].ImplementationType?.FullName == keyRingLoader)
            {
                services.RemoveAt(i);
            }
        }
    }

    public static WebApplication UseWebApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Empty 4xx/5xx answers (unknown route, wrong method, 401 challenges) get a problem body too.
        app.UseStatusCodePages();
        app.UseCorsWithoutReflection();
        app.UseRequestBodyLimit();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>
    /// What <c>UseCors()</c> does, without its reflection: <see cref="CorsMiddleware"/> takes the
    /// policy provider as an argument of <c>Invoke</c>, so UseMiddleware binds it by reflection, and
    /// under Native AOT (no code generated at run time) that means <c>MethodInfo.Invoke</c> and a
    /// container lookup of the provider on every request. The provider reads the options and holds
    /// nothing of a request, so it is resolved once and the middleware called directly.
    /// </summary>
    private static void UseCorsWithoutReflection(this WebApplication app)
    {
        var cors = app.Services.GetRequiredService<ICorsService>();
        var policies = app.Services.GetRequiredService<ICorsPolicyProvider>();
        var loggerFactory = app.Services.GetRequiredService<ILoggerFactory>();
        app.Use(next =>
        {
            var middleware = new CorsMiddleware(next, cors, loggerFactory);
            return context => middleware.Invoke(context, policies);
        });
    }

    private sealed class CorsPolicySetup(IOptions<CorsOriginsOptions> settings, IHostEnvironment environment) : IConfigureOptions<CorsOptions>
    {
        public void Configure(CorsOptions options) => options.AddDefaultPolicy(policy =>
        {
            var origins = settings.Value.AllowedOrigins.Where(o => !string.IsNullOrWhiteSpace(o)).ToArray();
            if (origins.Length == 0 && environment.IsDevelopment())
            {
                policy.AllowAnyOrigin();
            }
            else
            {
                policy.WithOrigins(origins);
            }

            policy.AllowAnyHeader().AllowAnyMethod()
                .WithExposedHeaders("Location", "Retry-After", "WWW-Authenticate")
                .SetPreflightMaxAge(TimeSpan.FromHours(1));
        });
    }
}

using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;
using SocialMedia.Api.Common;
using SocialMedia.Api.Features.Auth;

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
    /// JWT bearer, the optional-bearer policy, the rate limits, and the store of accounts and
    /// revoked tokens. The bearer handler checks the token alone (signature, algorithm, issuer,
    /// audience, lifetime) and sends no statement: each store statement of the request looks the
    /// token's revocation up itself (<see cref="Caller"/>).
    /// </summary>
    public static IHostApplicationBuilder AddAuth(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var jwt = services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.SectionName);
        // The migrate function never issues or reads a token, and is given no key.
        if (!builder.Configuration.IsLambdaHandler(Database.MigrationHandler.HandlerName))
        {
            jwt.ValidateOnStart();
        }

        services.AddSingleton<JwtOptionsSetup>();
        services.AddSingleton<IPostConfigureOptions<JwtOptions>>(sp => sp.GetRequiredService<JwtOptionsSetup>());
        services.AddSingleton<IValidateOptions<JwtOptions>>(sp => sp.GetRequiredService<JwtOptionsSetup>());
        services.AddSingleton<TokenService>();
        services.AddSingleton<AuthStore>();
        // Before ProblemExceptionHandler (AddWebApi), which would answer the same rejections otherwise.
        services.AddExceptionHandler<RevokedTokenRejections>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddSingleton<CachingTokenHandler>();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<TokenService, CachingTokenHandler>((options, tokens, handler) =>
        {
            options.TokenValidationParameters = tokens.ValidationParameters;
            options.TokenHandlers.Clear();
            options.TokenHandlers.Add(handler);
            options.MapInboundClaims = false;
            options.Events = s_bearerEvents;
        });
        services.AddAuthorizationBuilder().AddApiPolicies();

        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        services.AddSingleton<RateLimits>();
        return builder;
    }

    // A token signed with the API's key always has both claims; one without them is refused here,
    // so that every endpoint behind the handler can count on a Caller.
    private static readonly JwtBearerEvents s_bearerEvents = new()
    {
        OnTokenValidated = context =>
        {
            if (!TokenService.TryReadClaims(context.Principal?.Identity as System.Security.Claims.ClaimsIdentity, out _, out _))
            {
                context.Fail("The token lacks a subject or an id.");
            }

            return Task.CompletedTask;
        },
        OnChallenge = context =>
        {
            // RFC 6750's error="invalid_token" tells a client to log in again; the reason (expired,
            // which signature check failed) would only help someone probing the key.
            context.ErrorDescription = null;
            context.ErrorUri = null;
            return Task.CompletedTask;
        },
    };

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
        app.UseCors();
        app.UseRequestBodyLimit();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
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

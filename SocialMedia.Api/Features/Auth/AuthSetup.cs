using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SocialMedia.Api.Database;
using SocialMedia.Api.Infrastructure;
using SocialMedia.Hosting.Lambda;

namespace SocialMedia.Api.Features.Auth;

internal static class AuthSetup
{
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
        if (!builder.Configuration.IsLambdaHandler(MigrationHandler.HandlerName))
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
        services.ConstructAuthenticationHandlersDirectly();
        services.AddAuthorizationBuilder().AddApiPolicies();
        services.MakeAuthorizationSingletons();

        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        services.AddSingleton<RateLimits>();

        // The API Gateway authorizer: the same key and revocation list, as a Lambda handler.
        services.AddLambdaHandler<LambdaAuthorizer>(LambdaAuthorizer.HandlerName);
        return builder;
    }

    /// <summary>
    /// The bearer handler (a new one for every request) and the provider that creates it (one per
    /// request) are registered by type, and the container of a Native AOT build, which generates no
    /// code at run time, constructs a type by reflection: both, on every request that reaches
    /// authentication, anonymous ones included. Each
    /// is registered again, with the same lifetime, as a factory that calls its public constructor.
    /// </summary>
    private static void ConstructAuthenticationHandlersDirectly(this IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Transient(provider => new JwtBearerHandler(
            provider.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>(),
            provider.GetRequiredService<ILoggerFactory>(),
            provider.GetRequiredService<UrlEncoder>())));
        services.Replace(ServiceDescriptor.Scoped<IAuthenticationHandlerProvider>(provider =>
            new AuthenticationHandlerProvider(provider.GetRequiredService<IAuthenticationSchemeProvider>())));
    }

    /// <summary>
    /// Authorization's services hold no request state (the API's one policy is an assertion, no
    /// handler reads the request's services) but are registered transient, and the container of a
    /// Native AOT build, which generates no code at run time, constructs a transient by reflection:
    /// the policy evaluator and the four services behind it, on every request. Each keeps the
    /// framework's own implementation (the authorization service's records the
    /// <c>aspnetcore.authorization.attempts</c> metric) and becomes a singleton.
    /// </summary>
    private static void MakeAuthorizationSingletons(this IServiceCollection services)
    {
        Type[] stateless = [typeof(IPolicyEvaluator), typeof(IAuthorizationService), typeof(IAuthorizationHandlerProvider),
            typeof(IAuthorizationEvaluator), typeof(IAuthorizationHandlerContextFactory)];
        foreach (var service in stateless)
        {
            var registered = services.LastOrDefault(d => d.ServiceType == service && !d.IsKeyedService);
            if (registered is { Lifetime: ServiceLifetime.Transient, ImplementationType: { } implementation })
            {
                services.Replace(ServiceDescriptor.Singleton(service, implementation));
            }
        }
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
}

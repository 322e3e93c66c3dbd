using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace SocialMedia.Hosting.Lambda;

public static class LambdaHandlerServiceCollectionExtensions
{
    /// <summary>
    /// A handler the function runs instead of the HTTP API when <c>_HANDLER</c> is
    /// <paramref name="name"/> (any case). Each invocation gets a service scope of its own, the
    /// handler is resolved from it, and a server span continues the invocation's X-Ray trace around
    /// it. Registering one costs nothing outside Lambda mode.
    /// </summary>
    public static IServiceCollection AddLambdaHandler<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(
        this IServiceCollection services, string name)
        where THandler : class, ILambdaHandler
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var key = LambdaHostingOptions.NormalizeHandler(name);
        if (key == LambdaHostingOptions.ApiHandler)
        {
            throw new ArgumentException($"'{LambdaHostingOptions.ApiHandler}' is the HTTP API's own entry; give the handler another name.", nameof(name));
        }

        services.AddKeyedScoped<ILambdaHandler, THandler>(key);
        services.AddSingleton(new LambdaHandlerName(key));
        return services;
    }
}

/// <summary>The name of a handler added with <c>AddLambdaHandler</c>: the list the server checks <c>_HANDLER</c> against.</summary>
internal sealed record LambdaHandlerName(string Value);

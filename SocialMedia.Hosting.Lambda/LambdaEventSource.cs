// In this namespace, as in Amazon.Lambda.AspNetCoreServer.Hosting: Program.cs names the enum the
// same way whichever of the two provides it, so swapping them changes no using directive.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The API Gateway integration in front of the function (named as in Amazon.Lambda.AspNetCoreServer.Hosting).</summary>
public enum LambdaEventSource
{
    /// <summary>REST API proxy integration (payload 1.0). HTTP API events (payload 2.0) are recognised too.</summary>
    RestApi,

    /// <summary>HTTP API (payload 2.0). REST API events are recognised too.</summary>
    HttpApi,
}

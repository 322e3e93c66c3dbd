using Microsoft.Extensions.DependencyInjection;

namespace SocialMedia.Hosting.Lambda;

/// <summary>What Lambda told this process at start: where the Runtime API is and which handler to run.</summary>
public sealed class LambdaHostingOptions
{
    /// <summary>Set by Lambda (host:port of the Runtime API); its presence is what turns Lambda mode on.</summary>
    public const string RuntimeApiVariable = "AWS_LAMBDA_RUNTIME_API";

    /// <summary>The function's handler setting; this host reads it as the name of the entry to run.</summary>
    public const string HandlerVariable = "_HANDLER";

    /// <summary>The default entry: API Gateway events through the app's HTTP pipeline.</summary>
    public const string ApiHandler = "api";

    public required string RuntimeApi { get; init; }

    /// <summary><c>_HANDLER</c>, lower case: <see cref="ApiHandler"/> or the name of a handler added with <c>AddLambdaHandler</c>.</summary>
    public required string Handler { get; init; }

    public LambdaEventSource EventSource { get; init; }

    internal static string NormalizeHandler(string? name) =>
        string.IsNullOrWhiteSpace(name) ? ApiHandler : name.Trim().ToLowerInvariant();
}

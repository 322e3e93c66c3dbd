// Shaped like Aspire.Hosting.AWS (namespace Aspire.Hosting.AWS.Lambda), which our package feed does
// not serve: when it is, delete this folder, reference the package, and the calls stay as they are.
namespace Aspire.Hosting.AWS.Lambda;

/// <summary>The API Gateway product the emulator plays.</summary>
public enum APIGatewayType
{
    /// <summary>REST API (payload 1.0).</summary>
    Rest,

    /// <summary>HTTP API with payload 1.0.</summary>
    HttpV1,

    /// <summary>HTTP API with payload 2.0.</summary>
    HttpV2,
}

/// <summary>The HTTP method of a gateway route.</summary>
public enum Method
{
    Any,
    Get,
    Post,
    Put,
    Delete,
    Patch,
    Head,
    Options,
}

public sealed class LambdaEmulatorOptions
{
    /// <summary>The emulator's port; a free one when unset.</summary>
    public int? HttpPort { get; set; }
}

public sealed class LambdaFunctionOptions
{
    /// <summary>How long an invocation may run (Lambda's function timeout).</summary>
    public int TimeoutSeconds { get; set; } = 30;
}

public sealed class APIGatewayEmulatorOptions
{
    /// <summary>The gateway's port; a free one when unset.</summary>
    public int? Port { get; set; }
}

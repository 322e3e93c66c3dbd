using System.Text.Json;
using System.Text.Json.Serialization;

namespace SocialMedia.Hosting.Lambda.ApiGateway;

// The wire shapes of API Gateway's Lambda proxy integration, as documented in the API Gateway
// developer guide ("Input format of a Lambda function for proxy integration", "Working with AWS
// Lambda proxy integrations for HTTP APIs"). Only the fields the adapter reads or writes.

/// <summary>REST API proxy event (payload format 1.0).</summary>
public sealed class ApiGatewayV1Request
{
    public string? Version { get; set; }
    public string? Resource { get; set; }

    /// <summary>The resource path without the stage, still percent-encoded as the client sent it.</summary>
    public string? Path { get; set; }

    public string? HttpMethod { get; set; }
    public Dictionary<string, string?>? Headers { get; set; }
    public Dictionary<string, List<string?>?>? MultiValueHeaders { get; set; }

    /// <summary>Query values, already percent-decoded by API Gateway.</summary>
    public Dictionary<string, string?>? QueryStringParameters { get; set; }

    public Dictionary<string, List<string?>?>? MultiValueQueryStringParameters { get; set; }
    public ApiGatewayV1RequestContext? RequestContext { get; set; }
    public string? Body { get; set; }
    public bool IsBase64Encoded { get; set; }
}

public sealed class ApiGatewayV1RequestContext
{
    public string? AccountId { get; set; }
    public string? ApiId { get; set; }
    public string? Stage { get; set; }
    public string? RequestId { get; set; }
    public string? DomainName { get; set; }
    public string? Protocol { get; set; }
    public ApiGatewayV1Identity? Identity { get; set; }
}

public sealed class ApiGatewayV1Identity
{
    public string? SourceIp { get; set; }
}

/// <summary>The response API Gateway expects back for payload format 1.0.</summary>
public sealed class ApiGatewayV1Response
{
    public int StatusCode { get; set; }
    public Dictionary<string, List<string>>? MultiValueHeaders { get; set; }
    public string? Body { get; set; }
    public bool IsBase64Encoded { get; set; }
}

/// <summary>HTTP API event (payload format 2.0).</summary>
public sealed class ApiGatewayV2Request
{
    public string? Version { get; set; }
    public string? RouteKey { get; set; }

    /// <summary>The path, already percent-decoded, and prefixed with the stage for a named (non-<c>$default</c>) stage.</summary>
    public string? RawPath { get; set; }

    /// <summary>The query string exactly as the client sent it (encoded), without the <c>?</c>.</summary>
    public string? RawQueryString { get; set; }

    public List<string>? Cookies { get; set; }

    /// <summary>Header values; repeated headers arrive joined with commas.</summary>
    public Dictionary<string, string?>? Headers { get; set; }

    public ApiGatewayV2RequestContext? RequestContext { get; set; }
    public string? Body { get; set; }
    public bool IsBase64Encoded { get; set; }
}

public sealed class ApiGatewayV2RequestContext
{
    public string? AccountId { get; set; }
    public string? ApiId { get; set; }
    public string? DomainName { get; set; }
    public string? RequestId { get; set; }
    public string? Stage { get; set; }
    public ApiGatewayV2Http? Http { get; set; }
}

public sealed class ApiGatewayV2Http
{
    public string? Method { get; set; }
    public string? Path { get; set; }
    public string? Protocol { get; set; }
    public string? SourceIp { get; set; }
}

/// <summary>The response API Gateway expects back for payload format 2.0.</summary>
public sealed class ApiGatewayV2Response
{
    public int StatusCode { get; set; }
    public Dictionary<string, string>? Headers { get; set; }
    public List<string>? Cookies { get; set; }
    public string? Body { get; set; }
    public bool IsBase64Encoded { get; set; }
}

/// <summary>
/// Source-generated (de)serializers for the API Gateway wire types: no reflection on the invocation
/// path, and nothing to warm up at cold start. camelCase is API Gateway's.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(ApiGatewayV1Request))]
[JsonSerializable(typeof(ApiGatewayV1Response))]
[JsonSerializable(typeof(ApiGatewayV2Request))]
[JsonSerializable(typeof(ApiGatewayV2Response))]
internal sealed partial class ApiGatewayJsonContext : JsonSerializerContext;

internal static class ApiGatewayPayload
{
    /// <summary>
    /// Payload 2.0 says so in a top-level <c>"version": "2.0"</c>; REST API events have no version
    /// (HTTP APIs configured for payload 1.0 send "1.0"). Only the top level is scanned.
    /// </summary>
    public static bool IsVersion2(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The event is not a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isVersion = reader.ValueTextEquals("version"u8);
            reader.Read();
            if (isVersion)
            {
                return reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("2.0"u8);
            }

            reader.Skip();
        }

        return false;
    }
}

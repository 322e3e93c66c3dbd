using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace SocialMedia.AwsEmulators.Gateway;

/// <summary>
/// The Lambda proxy integration's events and responses, as API Gateway writes and reads them
/// ("Lambda proxy integrations", payload formats 1.0 and 2.0, in the API Gateway developer guide).
/// A body whose type is not text is sent base64-encoded.
/// </summary>
internal static class ProxyEvents
{
    private static readonly string[] s_hopByHop = ["Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Upgrade"];

    /// <summary>REST API, payload 1.0: headers once with the last value and again with all of them; query values decoded.</summary>
    public static byte[] RestV1(
        HttpContext context, string rawPath, string resource, IReadOnlyDictionary<string, string> pathParameters, byte[] body, string stage, JsonObject? authorizer)
    {
        var request = context.Request;
        var headers = new JsonObject();
        var multiHeaders = new JsonObject();
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.LastOrDefault();
            multiHeaders[name] = new JsonArray(values.Select(v => (JsonNode?)v).ToArray());
        }

        var query = QueryHelpers.ParseQuery(request.QueryString.Value);
        var e = new JsonObject
        {
            ["resource"] = resource,
            ["path"] = rawPath,
            ["httpMethod"] = request.Method,
            ["headers"] = headers,
            ["multiValueHeaders"] = multiHeaders,
            ["queryStringParameters"] = query.Count == 0 ? null : new JsonObject(query.Select(q => KeyValuePair.Create(q.Key, (JsonNode?)q.Value.LastOrDefault()))),
            ["multiValueQueryStringParameters"] = query.Count == 0 ? null
                : new JsonObject(query.Select(q => KeyValuePair.Create(q.Key, (JsonNode?)new JsonArray(q.Value.Select(v => (JsonNode?)v).ToArray())))),
            ["pathParameters"] = pathParameters.Count == 0 ? null : new JsonObject(pathParameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["stageVariables"] = null,
            ["requestContext"] = new JsonObject
            {
                ["resourcePath"] = resource,
                ["httpMethod"] = request.Method,
                ["path"] = "/" + stage + rawPath,
                ["stage"] = stage,
                ["accountId"] = "000000000000",
                ["apiId"] = "local",
                ["protocol"] = request.Protocol,
                ["domainName"] = request.Host.Host,
                ["requestId"] = Guid.NewGuid().ToString(),
                ["requestTimeEpoch"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                ["identity"] = new JsonObject
                {
                    ["sourceIp"] = context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1",
                    ["userAgent"] = request.Headers.UserAgent.ToString(),
                },
                ["authorizer"] = authorizer,
            },
        };
        SetBody(e, request.ContentType, body);
        return Encoding.UTF8.GetBytes(e.ToJsonString());
    }

    /// <summary>HTTP API, payload 2.0: the raw query, repeated headers joined with commas, cookies on their own.</summary>
    public static byte[] HttpV2(
        HttpContext context, string rawPath, string resource, IReadOnlyDictionary<string, string> pathParameters, byte[] body, JsonObject? authorizer)
    {
        var request = context.Request;
        var headers = new JsonObject();
        JsonArray? cookies = null;
        foreach (var (name, values) in request.Headers)
        {
            if (name.Equals("Cookie", StringComparison.OrdinalIgnoreCase))
            {
                cookies = new JsonArray(values.SelectMany(v => (v ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Select(c => (JsonNode?)c).ToArray());
                continue;
            }

            headers[name.ToLowerInvariant()] = string.Join(",", values.ToArray());
        }

        var query = QueryHelpers.ParseQuery(request.QueryString.Value);
        var routeKey = $"{request.Method} {resource}";
        var path = Uri.UnescapeDataString(rawPath);
        var e = new JsonObject
        {
            ["version"] = "2.0",
            ["routeKey"] = routeKey,
            ["rawPath"] = path,
            ["rawQueryString"] = request.QueryString.Value?.TrimStart('?') ?? "",
            ["cookies"] = cookies,
            ["headers"] = headers,
            ["queryStringParameters"] = query.Count == 0 ? null : new JsonObject(query.Select(q => KeyValuePair.Create(q.Key, (JsonNode?)string.Join(",", q.Value.ToArray())))),
            ["pathParameters"] = pathParameters.Count == 0 ? null : new JsonObject(pathParameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["requestContext"] = new JsonObject
            {
                ["accountId"] = "000000000000",
                ["apiId"] = "local",
                ["domainName"] = request.Host.Host,
                ["domainPrefix"] = "local",
                ["http"] = new JsonObject
                {
                    ["method"] = request.Method,
                    ["path"] = path,
                    ["protocol"] = request.Protocol,
                    ["sourceIp"] = context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1",
                    ["userAgent"] = request.Headers.UserAgent.ToString(),
                },
                ["requestId"] = Guid.NewGuid().ToString(),
                ["routeKey"] = routeKey,
                ["stage"] = "$default",
                ["time"] = DateTimeOffset.UtcNow.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture),
                ["timeEpoch"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                ["authorizer"] = authorizer is null ? null : new JsonObject { ["lambda"] = authorizer },
            },
        };
        SetBody(e, request.ContentType, body);
        return Encoding.UTF8.GetBytes(e.ToJsonString());
    }

    /// <summary>Writes the function's proxy response; false when it is not one.</summary>
    public static async Task<bool> TryWriteResponseAsync(HttpContext context, byte[] answer)
    {
        JsonElement json;
        try
        {
            json = JsonDocument.Parse(answer).RootElement;
        }
        catch (JsonException)
        {
            return false;
        }

        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("statusCode", out var status) || !status.TryGetInt32(out var code))
        {
            return false;
        }

        var response = context.Response;
        response.StatusCode = code;
        var headers = new List<(string Name, string Value)>();
        if (json.TryGetProperty("multiValueHeaders", out var multi) && multi.ValueKind == JsonValueKind.Object)
        {
            headers.AddRange(multi.EnumerateObject().SelectMany(h => h.Value.EnumerateArray().Select(v => (h.Name, v.ToString()))));
        }

        if (json.TryGetProperty("headers", out var single) && single.ValueKind == JsonValueKind.Object)
        {
            // Payload 1.0: multiValueHeaders win where both name a header.
            headers.AddRange(single.EnumerateObject()
                .Where(h => !headers.Exists(m => m.Name.Equals(h.Name, StringComparison.OrdinalIgnoreCase)))
                .Select(h => (h.Name, h.Value.ToString())));
        }

        if (json.TryGetProperty("cookies", out var cookies) && cookies.ValueKind == JsonValueKind.Array)
        {
            headers.AddRange(cookies.EnumerateArray().Select(c => ("Set-Cookie", c.ToString())));
        }

        foreach (var group in headers.Where(h => !s_hopByHop.Contains(h.Name, StringComparer.OrdinalIgnoreCase)).GroupBy(h => h.Name, StringComparer.OrdinalIgnoreCase))
        {
            response.Headers[group.Key] = group.Select(h => h.Value).ToArray();
        }

        var text = json.TryGetProperty("body", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString()! : "";
        var bytes = json.TryGetProperty("isBase64Encoded", out var base64) && base64.ValueKind == JsonValueKind.True
            ? Convert.FromBase64String(text)
            : Encoding.UTF8.GetBytes(text);
        await response.Body.WriteAsync(bytes, context.RequestAborted);
        return true;
    }

    private static void SetBody(JsonObject e, string? contentType, byte[] body)
    {
        var binary = body.Length > 0 && !IsText(contentType);
        e["body"] = body.Length == 0 ? null : binary ? Convert.ToBase64String(body) : Encoding.UTF8.GetString(body);
        e["isBase64Encoded"] = binary;
    }

    private static bool IsText(string? contentType) =>
        contentType is null
        || contentType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
        || contentType.Contains("json", StringComparison.OrdinalIgnoreCase)
        || contentType.Contains("xml", StringComparison.OrdinalIgnoreCase)
        || contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
}

public static class ApiGatewayEmulatorExtensions
{
    public static IHostApplicationBuilder AddApiGatewayEmulator(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        builder.Services.AddSingleton<ApiGatewayEmulator>();
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.AddServerHeader = false;
        });
        return builder;
    }

    public static WebApplication MapApiGatewayEmulator(this WebApplication app)
    {
        var gateway = app.Services.GetRequiredService<ApiGatewayEmulator>();
        // Every path and method: the route table decides, as API Gateway's resource tree does.
        app.Map("/{**path}", gateway.HandleAsync);
        return app;
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SocialMedia.Tests.Lambda.Support;

public enum PayloadVersion
{
    /// <summary>REST API proxy integration, payload 1.0.</summary>
    RestV1,

    /// <summary>HTTP API, payload 2.0.</summary>
    HttpV2,
}

/// <summary>
/// Plays API Gateway for an HttpClient: each request becomes the proxy event API Gateway would send
/// (built on the documented sample in Events/), goes through the Runtime API emulator to the
/// function, and the function's JSON answer becomes the HTTP response. So the end-to-end tests
/// read like the Kestrel ones and check the same wire behaviour, through a real Lambda round trip.
/// The event rules are API Gateway's: REST decodes query values and keeps the path encoded; HTTP
/// APIs keep the raw query, decode the path and prefix it with a named stage, join repeated headers
/// with commas and move cookies to their own array.
/// </summary>
public sealed class ApiGatewayClientHandler(LambdaRuntimeEmulator runtime, PayloadVersion version) : HttpMessageHandler
{
    public const string Stage = "dev";

    /// <summary>The caller's address, as API Gateway reports it in sourceIp.</summary>
    public string SourceIp { get; set; } = "203.0.113.10";

    /// <summary>Lambda-Runtime-Trace-Id for the invocations, if any.</summary>
    public string? TraceId { get; set; }

    /// <summary>The last event sent, for tests that look at it.</summary>
    public string? LastEvent { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        byte[]? body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = new List<(string Name, string Value)>();
        foreach (var header in request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>()))
        {
            foreach (var value in header.Value)
            {
                headers.Add((header.Key, value));
            }
        }

        if (body is not null && !headers.Exists(h => h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Add(("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var binary = body is not null && !IsText(request.Content?.Headers.ContentType?.MediaType);
        var payload = version == PayloadVersion.RestV1
            ? RestEvent(request, headers, body, binary)
            : HttpApiEvent(request, headers, body, binary);
        LastEvent = payload;
        var result = await runtime.InvokeAsync(payload, TraceId);
        return result.IsError ? GatewayError(request, result) : ToResponse(request, result.Json);
    }

    private string RestEvent(HttpRequestMessage request, List<(string Name, string Value)> headers, byte[]? body, bool binary)
    {
        var e = Template("rest-api-v1.json");
        var uri = request.RequestUri!;
        e["path"] = uri.AbsolutePath;
        e["httpMethod"] = request.Method.Method;
        var single = new JsonObject();
        var multi = new JsonObject();
        foreach (var (name, value) in headers)
        {
            single[name] = value;
            (multi[name] as JsonArray ?? (JsonArray)(multi[name] = new JsonArray())).Add(value);
        }

        e["headers"] = single;
        e["multiValueHeaders"] = multi;
        var query = ParseQuery(uri.Query);
        if (query.Count > 0)
        {
            var q = new JsonObject();
            var mq = new JsonObject();
            foreach (var (key, value) in query)
            {
                q[key] = value;
                (mq[key] as JsonArray ?? (JsonArray)(mq[key] = new JsonArray())).Add(value);
            }

            e["queryStringParameters"] = q;
            e["multiValueQueryStringParameters"] = mq;
        }

        e["pathParameters"] = new JsonObject { ["proxy"] = uri.AbsolutePath.TrimStart('/') };
        var context = e["requestContext"]!;
        context["path"] = "/" + Stage + uri.AbsolutePath;
        context["httpMethod"] = request.Method.Method;
        context["stage"] = Stage;
        context["requestId"] = Guid.NewGuid().ToString();
        context["identity"]!["sourceIp"] = SourceIp;
        SetBody(e, body, binary);
        return e.ToJsonString();
    }

    private string HttpApiEvent(HttpRequestMessage request, List<(string Name, string Value)> headers, byte[]? body, bool binary)
    {
        var e = Template("http-api-v2.json");
        var uri = request.RequestUri!;
        var path = "/" + Stage + Uri.UnescapeDataString(uri.AbsolutePath);
        e["rawPath"] = path;
        e["rawQueryString"] = uri.Query.TrimStart('?');
        var single = new JsonObject();
        JsonArray? cookies = null;
        foreach (var group in headers.GroupBy(h => h.Name.ToLowerInvariant()))
        {
            if (group.Key == "cookie")
            {
                cookies ??= [];
                foreach (var cookie in group.SelectMany(h => h.Value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
                {
                    cookies.Add(cookie);
                }

                continue;
            }

            single[group.Key] = string.Join(",", group.Select(h => h.Value));
        }

        e["headers"] = single;
        e["cookies"] = cookies;
        var query = ParseQuery(uri.Query);
        e["queryStringParameters"] = query.Count == 0
            ? null
            : new JsonObject(query.GroupBy(q => q.Key).Select(g => KeyValuePair.Create(g.Key, (JsonNode?)string.Join(",", g.Select(q => q.Value)))));
        var context = e["requestContext"]!;
        context["http"]!["method"] = request.Method.Method;
        context["http"]!["path"] = path;
        context["http"]!["sourceIp"] = SourceIp;
        context["stage"] = Stage;
        context["requestId"] = Guid.NewGuid().ToString();
        SetBody(e, body, binary);
        return e.ToJsonString();
    }

    private static void SetBody(JsonNode e, byte[]? body, bool binary)
    {
        e["body"] = body is null ? null : binary ? Convert.ToBase64String(body) : Encoding.UTF8.GetString(body);
        e["isBase64Encoded"] = body is not null && binary;
    }

    private static HttpResponseMessage ToResponse(HttpRequestMessage request, JsonElement json)
    {
        var response = new HttpResponseMessage((HttpStatusCode)json.GetProperty("statusCode").GetInt32()) { RequestMessage = request };
        var text = json.TryGetProperty("body", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString()! : "";
        var bytes = json.TryGetProperty("isBase64Encoded", out var base64) && base64.GetBoolean() ? Convert.FromBase64String(text) : Encoding.UTF8.GetBytes(text);
        response.Content = new ByteArrayContent(bytes);
        var all = new List<(string, string)>();
        if (json.TryGetProperty("multiValueHeaders", out var multi) && multi.ValueKind == JsonValueKind.Object)
        {
            all.AddRange(multi.EnumerateObject().SelectMany(h => h.Value.EnumerateArray().Select(v => (h.Name, v.GetString()!))));
        }

        if (json.TryGetProperty("headers", out var single) && single.ValueKind == JsonValueKind.Object)
        {
            all.AddRange(single.EnumerateObject().Select(h => (h.Name, h.Value.GetString()!)));
        }

        if (json.TryGetProperty("cookies", out var cookies) && cookies.ValueKind == JsonValueKind.Array)
        {
            all.AddRange(cookies.EnumerateArray().Select(c => ("Set-Cookie", c.GetString()!)));
        }

        foreach (var (name, value) in all)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }

    /// <summary>What API Gateway answers when the integration fails.</summary>
    private static HttpResponseMessage GatewayError(HttpRequestMessage request, InvocationResult result) => new(HttpStatusCode.BadGateway)
    {
        RequestMessage = request,
        ReasonPhrase = "Lambda function error: " + result,
        Content = new StringContent("""{"message":"Internal server error"}""", new MediaTypeHeaderValue("application/json")),
    };

    private static List<KeyValuePair<string, string>> ParseQuery(string query) =>
        query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(kv => KeyValuePair.Create(Uri.UnescapeDataString(kv[0]), kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : ""))
            .ToList();

    private static bool IsText(string? mediaType) =>
        mediaType is null || mediaType.StartsWith("text/", StringComparison.Ordinal) || mediaType.Contains("json", StringComparison.Ordinal) || mediaType.Contains("xml", StringComparison.Ordinal);

    public static JsonNode Template(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Lambda", "Events", name)))!;
}

using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace SocialMedia.Hosting.Lambda.ApiGateway;

/// <summary>An API Gateway event read as an HTTP request, before it becomes a feature collection.</summary>
internal sealed record LambdaHttpRequest(
    string Method,
    string Scheme,
    string Protocol,
    PathString Path,
    string RawTarget,
    QueryString QueryString,
    HeaderDictionary Headers,
    byte[]? Body,
    IPAddress? RemoteIpAddress);

/// <summary>
/// API Gateway events to requests. Each rule below is one that users of the AWS package have
/// tripped over (aws/aws-lambda-dotnet issue numbers in the comments), so each has a test.
/// </summary>
internal static class ApiGatewayRequestTranslator
{
    public static LambdaHttpRequest FromV1(ApiGatewayV1Request e)
    {
        var headers = new HeaderDictionary();
        // multiValueHeaders is the complete set; headers keeps only the last value of each.
        if (e.MultiValueHeaders is { Count: > 0 } multi)
        {
            foreach (var (name, values) in multi)
            {
                if (values is not null)
                {
                    Append(headers, name, new StringValues(values.Where(v => v is not null).ToArray()));
                }
            }
        }
        else if (e.Headers is { } single)
        {
            foreach (var (name, value) in single)
            {
                if (value is not null)
                {
                    Append(headers, name, value);
                }
            }
        }

        // REST APIs pass the path still percent-encoded (#386: decode it as Kestrel would). `path`,
        // not requestContext.path: the latter carries the stage (#630).
        var rawPath = string.IsNullOrEmpty(e.Path) ? "/" : e.Path[0] == '/' ? e.Path : "/" + e.Path;
        var query = QueryFromDecoded(e.MultiValueQueryStringParameters, e.QueryStringParameters);
        var context = e.RequestContext;
        return Build(
            e.HttpMethod ?? "GET",
            DecodePath(rawPath),
            rawPath + query,
            query,
            headers,
            e.Body,
            e.IsBase64Encoded,
            context?.Identity?.SourceIp,
            context?.DomainName,
            context?.Protocol);
    }

    public static LambdaHttpRequest FromV2(ApiGatewayV2Request e)
    {
        var headers = new HeaderDictionary();
        if (e.Headers is { } single)
        {
            foreach (var (name, value) in single)
            {
                // Repeated headers arrive comma-joined. They stay one value: splitting on commas
                // would cut Date, User-Agent and any quoted value apart.
                if (value is not null)
                {
                    Append(headers, name, value);
                }
            }
        }

        if (e.Cookies is { Count: > 0 } cookies)
        {
            headers[HeaderNames.Cookie] = string.Join("; ", cookies);
        }

        var context = e.RequestContext;
        // HTTP APIs deliver rawPath already decoded, prefixed with a named stage.
        var path = StripStage(string.IsNullOrEmpty(e.RawPath) ? context?.Http?.Path ?? "/" : e.RawPath, context?.Stage);
        var pathString = new PathString(path[0] == '/' ? path : "/" + path);
        // rawQueryString is what the client sent, encoded: used as is (#415, #482, #720).
        var query = string.IsNullOrEmpty(e.RawQueryString) ? QueryString.Empty : new QueryString("?" + e.RawQueryString);
        return Build(
            context?.Http?.Method ?? "GET",
            pathString,
            pathString.ToUriComponent() + query.ToUriComponent(),
            query,
            headers,
            e.Body,
            e.IsBase64Encoded,
            context?.Http?.SourceIp,
            context?.DomainName,
            context?.Http?.Protocol);
    }

    /// <summary>
    /// REST API query values arrive decoded; ASP.NET Core decodes the query string again, so each
    /// key and value is encoded once more. A literal '+' must become %2B, or it reads as a space.
    /// </summary>
    internal static QueryString QueryFromDecoded(Dictionary<string, List<string?>?>? multi, Dictionary<string, string?>? single)
    {
        var builder = new StringBuilder();
        void Add(string key, string? value)
        {
            builder.Append(builder.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value ?? ""));
        }

        if (multi is { Count: > 0 })
        {
            foreach (var (key, values) in multi)
            {
                foreach (var value in values ?? [])
                {
                    Add(key, value);
                }
            }
        }
        else if (single is not null)
        {
            foreach (var (key, value) in single)
            {
                Add(key, value);
            }
        }

        return builder.Length == 0 ? QueryString.Empty : new QueryString(builder.ToString());
    }

    /// <summary>
    /// Percent-decodes a path the way Kestrel does: every escape but %2F, which would otherwise
    /// turn into a segment separator. '+' is a plain character in a path (#237).
    /// </summary>
    internal static PathString DecodePath(string rawPath)
    {
        if (!rawPath.Contains('%', StringComparison.Ordinal))
        {
            return new PathString(rawPath);
        }

        var segments = rawPath.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            segments[i] = Uri.UnescapeDataString(segments[i]).Replace("/", "%2F", StringComparison.Ordinal);
        }

        return new PathString(string.Join('/', segments));
    }

    /// <summary>
    /// HTTP APIs put a named stage in front of the path (<c>/dev/api/v1/posts</c>); the app's
    /// routes, and the links it builds, know nothing about stages (#630, #632).
    /// </summary>
    internal static string StripStage(string path, string? stage)
    {
        if (string.IsNullOrEmpty(stage) || stage == "$default")
        {
            return path;
        }

        var prefix = "/" + stage;
        if (path.Equals(prefix, StringComparison.Ordinal))
        {
            return "/";
        }

        return path.StartsWith(prefix + "/", StringComparison.Ordinal) ? path[prefix.Length..] : path;
    }

    private static LambdaHttpRequest Build(
        string method, PathString path, string rawTarget, QueryString query, HeaderDictionary headers,
        string? body, bool isBase64Encoded, string? sourceIp, string? domainName, string? protocol)
    {
        byte[]? bytes = null;
        if (body is not null)
        {
            // Binary uploads come base64-encoded; decoding them as text would corrupt them (#1419, #635).
            bytes = isBase64Encoded ? Convert.FromBase64String(body) : Encoding.UTF8.GetBytes(body);
        }

        // API Gateway has the whole body already: its length is the truth, whatever framing the
        // client used. This is also what RequestBodyLimit checks first.
        headers.Remove(HeaderNames.TransferEncoding);
        if (bytes is not null)
        {
            headers.ContentLength = bytes.Length;
        }
        else if (headers.ContainsKey(HeaderNames.ContentLength))
        {
            headers.ContentLength = 0;
        }

        if (!headers.ContainsKey(HeaderNames.Host) && !string.IsNullOrEmpty(domainName))
        {
            headers[HeaderNames.Host] = domainName;
        }

        var scheme = headers.TryGetValue("X-Forwarded-Proto", out var proto) && proto.Count > 0 && !string.IsNullOrEmpty(proto[0])
            ? proto[0]!.Split(',')[0].Trim()
            : "https";
        var remote = IPAddress.TryParse(sourceIp, out var parsed) ? parsed : null;
        return new LambdaHttpRequest(method.ToUpperInvariant(), scheme, string.IsNullOrEmpty(protocol) ? "HTTP/1.1" : protocol, path, rawTarget, query, headers, bytes, remote);
    }

    private static void Append(HeaderDictionary headers, string name, StringValues values) =>
        headers[name] = headers.TryGetValue(name, out var existing) ? StringValues.Concat(existing, values) : values;
}

using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace SocialMedia.Hosting.Lambda.ApiGateway;

/// <summary>Responses back to API Gateway's JSON, in the shape of the payload version that came in.</summary>
internal static class ApiGatewayResponseTranslator
{
    /// <summary>
    /// Lambda's limit on a synchronous response (6 MB). The serialized document counts, base64
    /// and JSON escaping included, so the check is on the final bytes.
    /// </summary>
    public const int MaxPayloadBytes = 6 * 1024 * 1024;

    /// <summary>
    /// The response document is read by API Gateway, never put into a web page, so HTML's
    /// characters and text outside ASCII go as they are; with the default encoder every quote of a
    /// JSON body became <c>\u0022</c> and every such character six bytes, against the 6 MB limit and
    /// on every invocation's way back. (Characters beyond the Basic Multilingual Plane, emoji among
    /// them, and control characters are still escaped: no built-in encoder leaves them.) The writer
    /// carries the encoder, so the source-generated serializer keeps its fast path.
    /// </summary>
    private static readonly JsonWriterOptions Unescaped = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] ToV1(int statusCode, IHeaderDictionary headers, ArraySegment<byte> body)
    {
        var (text, base64) = EncodeBody(headers, body);
        var multi = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in headers)
        {
            // Every Set-Cookie stays its own value (#224, #713): folding them breaks cookies.
            multi[name] = [.. values.Where(v => v is not null).Select(v => v!)];
        }

        var response = new ApiGatewayV1Response { StatusCode = statusCode, MultiValueHeaders = multi, Body = text, IsBase64Encoded = base64 };
        return Serialize(response, ApiGatewayJsonContext.Default.ApiGatewayV1Response, body.Count);
    }

    public static byte[] ToV2(int statusCode, IHeaderDictionary headers, ArraySegment<byte> body)
    {
        var (text, base64) = EncodeBody(headers, body);
        var single = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        List<string>? cookies = null;
        foreach (var (name, values) in headers)
        {
            if (string.Equals(name, HeaderNames.SetCookie, StringComparison.OrdinalIgnoreCase))
            {
                // Payload 2.0 has a cookies array for this; a comma-joined Set-Cookie would be one broken cookie.
                (cookies ??= []).AddRange(values.Where(v => v is not null).Select(v => v!));
            }
            else
            {
                single[name] = values.ToString();
            }
        }

        var response = new ApiGatewayV2Response { StatusCode = statusCode, Headers = single, Cookies = cookies, Body = text, IsBase64Encoded = base64 };
        return Serialize(response, ApiGatewayJsonContext.Default.ApiGatewayV2Response, body.Count);
    }

    private static byte[] Serialize<T>(T response, JsonTypeInfo<T> typeInfo, int bodyBytes)
    {
        // Room for the body as base64 and the headers, so the buffer is not regrown as it fills.
        var buffer = new ArrayBufferWriter<byte>((bodyBytes / 3 * 4) + 1024);
        using (var writer = new Utf8JsonWriter(buffer, Unescaped))
        {
            JsonSerializer.Serialize(writer, response, typeInfo);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Text goes as a string, anything else base64 (API Gateway decodes it back for clients that
    /// accept the type). Only UTF-8 text is sent as text: a JSON string carries nothing else intact.
    /// </summary>
    private static (string Body, bool IsBase64Encoded) EncodeBody(IHeaderDictionary headers, ArraySegment<byte> body)
    {
        if (body.Count == 0)
        {
            return ("", false);
        }

        return IsText(headers) && System.Text.Unicode.Utf8.IsValid(body)
            ? (Encoding.UTF8.GetString(body), false)
            : (Convert.ToBase64String(body), true);
    }

    internal static bool IsText(IHeaderDictionary headers)
    {
        // Compressed bodies are bytes whatever their type says.
        if (headers.TryGetValue(HeaderNames.ContentEncoding, out var encoding) && encoding.Any(e => !string.Equals(e, "identity", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        if (!MediaTypeHeaderValue.TryParse(headers.ContentType.ToString(), out var type))
        {
            return false;
        }

        if (type.Charset.HasValue && !type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !type.Charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var media = type.MediaType;
        return media.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+xml", StringComparison.OrdinalIgnoreCase)
            || media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Equals("application/xml", StringComparison.OrdinalIgnoreCase)
            || media.Equals("application/javascript", StringComparison.OrdinalIgnoreCase)
            || media.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || media.Equals("application/yaml", StringComparison.OrdinalIgnoreCase);
    }
}

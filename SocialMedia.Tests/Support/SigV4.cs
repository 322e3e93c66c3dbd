using System.Security.Cryptography;
using System.Text;

namespace SocialMedia.Tests.Support;

/// <summary>
/// Recomputes the AWS Signature Version 4 of a presigned URL for a given request, the way S3 does.
/// s3rver does not check V4 signatures, so this is how the tests prove a presigned URL is bound to
/// the type and length it was issued for (and so would be refused by S3 for any other).
/// </summary>
public static class SigV4
{
    public static bool Matches(Uri presignedUrl, string method, IReadOnlyDictionary<string, string> headers, string secretKey)
    {
        var query = presignedUrl.Query.TrimStart('?').Split('&')
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
        var signedHeaders = Uri.UnescapeDataString(query["X-Amz-SignedHeaders"]).Split(';');
        var allHeaders = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase) { ["host"] = presignedUrl.Authority };

        var canonicalQuery = string.Join('&', query.Where(p => p.Key != "X-Amz-Signature").OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        var canonicalHeaders = string.Concat(signedHeaders.Select(h => $"{h}:{(allHeaders.TryGetValue(h, out var v) ? v.Trim() : "")}\n"));
        var canonicalRequest = string.Join('\n', method, presignedUrl.AbsolutePath, canonicalQuery, canonicalHeaders, string.Join(';', signedHeaders), "UNSIGNED-PAYLOAD");

        var credential = Uri.UnescapeDataString(query["X-Amz-Credential"]).Split('/'); // key/date/region/service/aws4_request
        var scope = string.Join('/', credential[1..]);
        var stringToSign = string.Join('\n', "AWS4-HMAC-SHA256", query["X-Amz-Date"], scope, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

        var key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in credential[1..])
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        return signature == query["X-Amz-Signature"];
    }
}

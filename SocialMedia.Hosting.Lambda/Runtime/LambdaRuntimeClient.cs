using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SocialMedia.Hosting.Lambda.Runtime;

/// <summary>What the Runtime API said to a response post.</summary>
internal enum LambdaResponseOutcome
{
    Accepted,

    /// <summary>413: the payload is over Lambda's limit; the invocation still needs an answer (an error).</summary>
    TooLarge,
}

/// <summary>An error reported to the Runtime API: <c>errorType</c> also goes in <c>Lambda-Runtime-Function-Error-Type</c>.</summary>
internal sealed record LambdaError(string ErrorType, string ErrorMessage, IReadOnlyList<string> StackTrace)
{
    public static LambdaError From(Exception exception, string? errorType = null) => new(
        errorType ?? exception.GetType().Name,
        exception.Message,
        exception.StackTrace?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? []);
}

/// <summary>
/// The Lambda Runtime API, version 2018-06-01, over a plain HttpClient of its own: no
/// IHttpClientFactory defaults, because the standard resilience handler's timeouts would cut the
/// long poll on <c>/next</c>, which may legitimately wait for hours while the sandbox is frozen.
/// </summary>
internal sealed class LambdaRuntimeClient : IDisposable
{
    public const string ErrorContentType = "application/vnd.aws.lambda.error+json";

    private readonly HttpClient _http;

    public LambdaRuntimeClient(string runtimeApi)
    {
        var handler = new SocketsHttpHandler
        {
            // No DiagnosticsHandler: the runtime's own calls are not the function's work and must
            // neither open spans nor get a traceparent header.
            ActivityHeadersPropagator = null,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        _http = new HttpClient(handler)
        {
            BaseAddress = new Uri($"http://{runtimeApi}/2018-06-01/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task<LambdaInvocation> GetNextInvocationAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("runtime/invocation/next", HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new LambdaRuntimeException($"GET /runtime/invocation/next answered {(int)response.StatusCode}.");
        }

        var requestId = Header(response, "Lambda-Runtime-Aws-Request-Id")
            ?? throw new LambdaRuntimeException("The next invocation came without a Lambda-Runtime-Aws-Request-Id header.");
        DateTimeOffset? deadline = long.TryParse(Header(response, "Lambda-Runtime-Deadline-Ms"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;
        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new LambdaInvocation(requestId, deadline, Header(response, "Lambda-Runtime-Invoked-Function-Arn"), Header(response, "Lambda-Runtime-Trace-Id"), payload);
    }

    public async Task<LambdaResponseOutcome> PostResponseAsync(string requestId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        using var content = new ReadOnlyMemoryContent(payload);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/response", content, cancellationToken);
        if (response.StatusCode == HttpStatusCode.RequestEntityTooLarge)
        {
            return LambdaResponseOutcome.TooLarge;
        }

        EnsureAccepted(response, "response");
        return LambdaResponseOutcome.Accepted;
    }

    public Task PostInvocationErrorAsync(string requestId, LambdaError error, CancellationToken cancellationToken) =>
        PostErrorAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/error", error, cancellationToken);

    /// <summary>Before the first <c>/next</c>: the function could not start. Lambda then ends the sandbox.</summary>
    public Task PostInitErrorAsync(LambdaError error, CancellationToken cancellationToken) =>
        PostErrorAsync("runtime/init/error", error, cancellationToken);

    private async Task PostErrorAsync(string path, LambdaError error, CancellationToken cancellationToken)
    {
        var document = new LambdaErrorDocument { ErrorType = error.ErrorType, ErrorMessage = error.ErrorMessage, StackTrace = [.. error.StackTrace] };
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(document, RuntimeJsonContext.Default.LambdaErrorDocument));
        content.Headers.ContentType = new MediaTypeHeaderValue(ErrorContentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TryAddWithoutValidation("Lambda-Runtime-Function-Error-Type", error.ErrorType);
        using var response = await _http.SendAsync(request, cancellationToken);
        EnsureAccepted(response, path);
    }

    private static void EnsureAccepted(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new LambdaRuntimeException($"The Runtime API refused the {what} post with {(int)response.StatusCode}.");
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    public void Dispose() => _http.Dispose();
}

/// <summary>The Runtime API itself failed: the sandbox is going away, so the process should too.</summary>
internal sealed class LambdaRuntimeException(string message) : Exception(message);

/// <summary>The Runtime API's error document (errorMessage, errorType, stackTrace).</summary>
internal sealed class LambdaErrorDocument
{
    public required string ErrorMessage { get; set; }
    public required string ErrorType { get; set; }
    public List<string> StackTrace { get; set; } = [];
}

/// <summary>Source-generated: no reflection, so the Native AOT build keeps what it needs.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LambdaErrorDocument))]
internal sealed partial class RuntimeJsonContext : JsonSerializerContext;

using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Metadata;

namespace SocialMedia.Api.Common;

/// <summary>
/// The API's JSON answers: <c>TypedResults.Ok</c> and <c>Created</c> as the handlers use them, written
/// by the source generator's fast path, with their length.
/// </summary>
/// <remarks>
/// The framework's results serialize with the options of <c>JsonOptions</c>, whose encoder (text in
/// any script as UTF-8, <see cref="JsonSetup"/>) turns the generated fast path off for every type,
/// and they look up those options and a logger in the container on every request. These carry the
/// encoder on the writer instead, so <see cref="AppJsonContext"/>'s own options, which set nothing
/// the fast path lacks, keep it. The body goes into the response's pipe unflushed, so its length is
/// known before the headers leave: <c>Content-Length</c> rather than chunked encoding, which lets
/// a browser show progress and a client size its buffer. The server flushes it as the request ends.
/// </remarks>
public static class JsonResults
{
    public static JsonOk<T> Ok<T>(T value) => new(value);

    public static JsonCreated<T> Created<T>(string? location, T value) => new(location, value);

    internal const string ContentType = "application/json; charset=utf-8";

    private static readonly string[] s_contentTypes = ["application/json"];

    private static readonly JsonWriterOptions s_writerOptions = new()
    {
        Encoder = JsonSetup.Encoder,
        // The generated code writes well-formed JSON by construction.
        SkipValidation = true,
    };

    internal static Task WriteAsync<T>(HttpContext httpContext, int statusCode, T value)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = ContentType;
        using var writer = new Utf8JsonWriter(response.BodyWriter, s_writerOptions);
        JsonSerializer.Serialize(writer, value, TypeInfo<T>.Instance);
        // Into the pipe, not out of it: Advance, no FlushAsync. The headers are not sent yet either,
        // so the length is known in time.
        writer.Flush();
        if (!response.HasStarted)
        {
            response.ContentLength = writer.BytesCommitted;
        }

        return Task.CompletedTask;
    }

    internal static void Describe<T>(EndpointBuilder builder, int statusCode) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(statusCode, typeof(T), s_contentTypes));

    /// <summary>One lookup per wire type, not per request; every wire type is in <see cref="AppJsonContext"/>.</summary>
    private static class TypeInfo<T>
    {
        public static readonly JsonTypeInfo<T> Instance = AppJsonContext.Default.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
            ?? throw new InvalidOperationException($"{typeof(T)} is not in AppJsonContext: add [JsonSerializable(typeof(...))] for it.");
    }
}

/// <summary>200 with a JSON body (see <see cref="JsonResults"/>).</summary>
public sealed class JsonOk<T> : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IContentTypeHttpResult
{
    internal JsonOk(T value) => Value = value;

    public T Value { get; }

    object? IValueHttpResult.Value => Value;

    public int StatusCode => StatusCodes.Status200OK;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public string ContentType => JsonResults.ContentType;

    public Task ExecuteAsync(HttpContext httpContext) => JsonResults.WriteAsync(httpContext, StatusCode, Value);

    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        JsonResults.Describe<T>(builder, StatusCodes.Status200OK);
}

/// <summary>201 with a JSON body and, when the resource has its own URL, <c>Location</c> (see <see cref="JsonResults"/>).</summary>
public sealed class JsonCreated<T> : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IContentTypeHttpResult
{
    internal JsonCreated(string? location, T value)
    {
        Location = location;
        Value = value;
    }

    public string? Location { get; }

    public T Value { get; }

    object? IValueHttpResult.Value => Value;

    public int StatusCode => StatusCodes.Status201Created;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public string ContentType => JsonResults.ContentType;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (Location is not null)
        {
            httpContext.Response.Headers.Location = Location;
        }

        return JsonResults.WriteAsync(httpContext, StatusCode, Value);
    }

    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        JsonResults.Describe<T>(builder, StatusCodes.Status201Created);
}

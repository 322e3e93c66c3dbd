using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SocialMedia.Tests.Lambda.Support;

public sealed record ExportedSpan(string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, IReadOnlyDictionary<string, string> Attributes, IReadOnlyDictionary<string, string> Resource);

/// <summary>
/// An OTLP/HTTP collector in the shape of the ADOT layer's (POST /v1/traces, protobuf), keeping
/// what arrives. Spans are decoded with a minimal reader of the few protobuf fields checked.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ExportedSpan> _spans = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public string Endpoint { get; private set; } = "";

    public IReadOnlyCollection<ExportedSpan> Spans => _spans.ToArray();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            foreach (var span in Decode(buffer.ToArray()))
            {
                receiver._spans.Enqueue(span);
            }

            context.Response.ContentType = "application/x-protobuf";
            return Results.Empty;
        });
        // Logs and metrics are accepted and dropped.
        app.MapPost("/v1/{signal}", () => Results.Empty);
        await app.StartAsync();
        receiver.Endpoint = app.Urls.First();
        return receiver;
    }

    /// <summary>ExportTraceServiceRequest → ResourceSpans(1) → Resource(1) / ScopeSpans(2) → Span(2).</summary>
    internal static IEnumerable<ExportedSpan> Decode(byte[] request)
    {
        foreach (var resourceSpans in Protobuf.Fields(request).Where(f => f.Number == 1).Select(f => f.Bytes))
        {
            var fields = Protobuf.Fields(resourceSpans).ToList();
            var resource = fields.Where(f => f.Number == 1).SelectMany(f => Attributes(f.Bytes, 1)).ToDictionary();
            foreach (var scopeSpans in fields.Where(f => f.Number == 2).Select(f => f.Bytes))
            {
                foreach (var span in Protobuf.Fields(scopeSpans).Where(f => f.Number == 2).Select(f => f.Bytes))
                {
                    var s = Protobuf.Fields(span).ToList();
                    yield return new ExportedSpan(
                        Hex(s, 1), Hex(s, 2), Hex(s, 4),
                        Encoding.UTF8.GetString(s.FirstOrDefault(f => f.Number == 5).Bytes ?? []),
                        (int)s.FirstOrDefault(f => f.Number == 6).Varint,
                        Attributes(span, 9).ToDictionary(),
                        resource);
                }
            }
        }
    }

    private static string Hex(List<Protobuf.Field> fields, int number) =>
        Convert.ToHexStringLower(fields.FirstOrDefault(f => f.Number == number).Bytes ?? []);

    /// <summary>KeyValue { key = 1; AnyValue value = 2 { string_value = 1; bool_value = 2; int_value = 3 } }.</summary>
    private static IEnumerable<KeyValuePair<string, string>> Attributes(byte[] message, int number)
    {
        foreach (var kv in Protobuf.Fields(message).Where(f => f.Number == number).Select(f => f.Bytes))
        {
            var parts = Protobuf.Fields(kv).ToList();
            var key = Encoding.UTF8.GetString(parts.First(f => f.Number == 1).Bytes);
            var value = parts.FirstOrDefault(f => f.Number == 2).Bytes is { } any ? Protobuf.Fields(any).FirstOrDefault() : default;
            yield return KeyValuePair.Create(key, value.Number switch
            {
                1 => Encoding.UTF8.GetString(value.Bytes),
                2 => (value.Varint != 0).ToString(),
                3 => value.Varint.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => "",
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Just enough of the protobuf wire format to walk messages: varints, fixed, and length-delimited fields.</summary>
internal static class Protobuf
{
    public readonly record struct Field(int Number, ulong Varint, byte[] Bytes);

    public static IEnumerable<Field> Fields(byte[] message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message, ref position);
            var number = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0:
                    yield return new Field(number, ReadVarint(message, ref position), []);
                    break;
                case 1:
                    yield return new Field(number, BitConverter.ToUInt64(message, position), message[position..(position + 8)]);
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref position);
                    yield return new Field(number, 0, message[position..(position + length)]);
                    position += length;
                    break;
                case 5:
                    yield return new Field(number, BitConverter.ToUInt32(message, position), message[position..(position + 4)]);
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type {tag & 7}");
            }
        }
    }

    private static ulong ReadVarint(byte[] buffer, ref int position)
    {
        ulong result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = buffer[position++];
            result |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
    }
}

using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;

namespace SocialMedia.Api.Common;

/// <summary>
/// A keyset position: the (created_at, id) of the last item a client saw. Opaque on the wire
/// (base64url of a version byte, the timestamp's ticks and the id) so that clients cannot build
/// one by hand and the format can change behind the version byte.
/// </summary>
public readonly record struct Cursor(DateTime CreatedAt, Guid Id)
{
    private const byte Version = 1;
    private const int Size = 1 + 8 + 16;

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[Size];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], CreatedAt.Ticks);
        Id.TryWriteBytes(bytes[9..], bigEndian: true, out _);
        return Base64Url.EncodeToString(bytes);
    }

    public static bool TryDecode(string? text, [NotNullWhen(true)] out Cursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(text) || text.Length > 64 || !Base64Url.IsValid(text))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[48];
        if (!Base64Url.TryDecodeFromChars(text, bytes, out var written) || written != Size || bytes[0] != Version)
        {
            return false;
        }

        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes[1..]);
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        // Re-encoding must give the same text: rejects non-canonical spellings of one position.
        var decoded = new Cursor(new DateTime(ticks, DateTimeKind.Utc), new Guid(bytes[9..Size], bigEndian: true));
        if (decoded.Encode() != text)
        {
            return false;
        }

        cursor = decoded;
        return true;
    }
}

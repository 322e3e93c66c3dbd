namespace SocialMedia.Api.Common;

internal static class TimeProviderExtensions
{
    /// <summary>
    /// Now, cut to whole milliseconds: what is stored is exactly what clients see, so a cursor
    /// built from a response value lands on the row it came from.
    /// </summary>
    public static DateTime UtcNowMilliseconds(this TimeProvider clock) =>
        clock.GetUtcNow().UtcDateTime.TruncateTo(TimeSpan.TicksPerMillisecond);

    /// <summary>Cuts a time down to a whole unit (JWT and presigned-URL times are whole seconds).</summary>
    public static DateTime TruncateTo(this DateTime time, long unitTicks) => time.AddTicks(-(time.Ticks % unitTicks));
}

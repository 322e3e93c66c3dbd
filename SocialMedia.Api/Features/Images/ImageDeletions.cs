using Microsoft.Extensions.Options;
using SocialMedia.Api.Common;
using SocialMedia.Api.Database;

namespace SocialMedia.Api.Features.Images;

/// <summary>
/// The queue of image objects to delete (<c>image_deletions</c>). The statement that drops a
/// post's reference to an image queues it in the same transaction (PostStore); the request then
/// deletes the object at once and takes it off the queue, and the <see cref="ImageDeletionSweeper"/>
/// retries whatever a failed S3 call, a lost answer or a crash left queued
/// (docs/decisions/0006-image-deletion-queue.md).
/// </summary>
internal sealed class ImageDeletionStore(Postgres postgres)
{
    /// <summary>How long a claimed deletion is left to its claimer before another sweep may take it.</summary>
    private static readonly TimeSpan s_lease = TimeSpan.FromMinutes(5);

    public ValueTask<bool> ForgetAsync(string key, CancellationToken cancellationToken) =>
        postgres.RunAsync(
            "DELETE FROM image_deletions WHERE key = $1",
            key,
            static (p, key) => p.AddText(key),
            static (reader, _, _) => ValueTask.FromResult(reader.RecordsAffected > 0),
            cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> due deletions, each leased to the caller by moving its due
    /// time on: concurrent sweepers (other instances) skip what another holds.
    /// </summary>
    public ValueTask<List<string>> ClaimDueAsync(int limit, CancellationToken cancellationToken) =>
        postgres.RunAsync(
            """
            UPDATE image_deletions d SET due_at = now() + $2
            WHERE d.key IN (
                SELECT key FROM image_deletions WHERE due_at <= now()
                ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING d.key
            """,
            limit,
            static (p, limit) =>
            {
                p.AddInteger(limit);
                p.Add(new Npgsql.NpgsqlParameter<TimeSpan> { TypedValue = s_lease, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Interval });
            },
            static async (reader, _, ct) =>
            {
                var keys = new List<string>();
                while (await reader.ReadAsync(ct))
                {
                    keys.Add(reader.GetString(0));
                }

                return keys;
            },
            cancellationToken);
}

/// <summary>Deletes a queued image object, and takes it off the queue once S3 has confirmed.</summary>
internal sealed class ImageDeleter(ImageStorage images, ImageDeletionStore queue, ILogger<ImageDeleter> logger)
{
    /// <summary>
    /// Right after the statement that queued it: the common case needs no sweep. Never throws;
    /// what does not complete here stays queued for the sweeper.
    /// </summary>
    public async Task DeleteNowAsync(string key)
    {
        if (!await images.TryDeleteAsync(key))
        {
            return;
        }

        try
        {
            await queue.ForgetAsync(key, CancellationToken.None);
        }
        catch (Exception e) when (DependencyOutage.IsOutage(e))
        {
            // The object is gone; the sweeper will delete it again (a no-op) and forget it then.
            logger.LogWarning(e, "Deleted image object {Key} but could not take it off the queue", key);
        }
    }
}

/// <summary>
/// Retries the queued deletions that did not complete with their request. Every instance sweeps;
/// the leases keep them off each other's keys. In Lambda it runs while a sandbox is warm, which is
/// enough for a queue that only holds what failed.
/// </summary>
internal sealed class ImageDeletionSweeper(
    ImageDeletionStore queue, ImageStorage images, IOptions<ImageDeletionOptions> options, ILogger<ImageDeletionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.IntervalSeconds == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.IntervalSeconds));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(settings.BatchSize, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Sweeping the image deletion queue failed; next try in {Seconds} s", settings.IntervalSeconds);
            }
        }
    }

    /// <summary>One sweep: deletes what is due, and says how many objects it deleted.</summary>
    public async Task<int> SweepAsync(int batchSize, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var key in await queue.ClaimDueAsync(batchSize, cancellationToken))
        {
            if (await images.TryDeleteAsync(key))
            {
                await queue.ForgetAsync(key, cancellationToken);
                deleted++;
            }
        }

        return deleted;
    }
}

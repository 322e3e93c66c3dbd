using Microsoft.Extensions.Options;

namespace SocialMedia.Api.Features.Images;

/// <summary>The sweeper of the image deletion queue (<c>Storage:DeletionSweep</c>).</summary>
public sealed class ImageDeletionOptions
{
    public const string SectionName = "Storage:DeletionSweep";

    /// <summary>Seconds between two sweeps of the deletion queue; 0 turns the sweeper off.</summary>
    public int IntervalSeconds { get; set; } = 60;

    /// <summary>Deletions taken per sweep.</summary>
    public int BatchSize { get; set; } = 100;
}

internal sealed class ImageDeletionOptionsValidator : IValidateOptions<ImageDeletionOptions>
{
    public ValidateOptionsResult Validate(string? name, ImageDeletionOptions options) =>
        options.IntervalSeconds < 0 || options.BatchSize is < 1 or > 1000
            ? ValidateOptionsResult.Fail("Storage:DeletionSweep:IntervalSeconds must be 0 or more, and BatchSize 1 to 1000.")
            : ValidateOptionsResult.Success;
}

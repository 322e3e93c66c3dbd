using Microsoft.Playwright;

namespace SocialMedia.Tests.Browser;

/// <summary>
/// Headless Chromium from the system's packages (Debian: <c>apt-get install chromium</c>), driven by
/// Playwright: Playwright's own browser download is not reachable from where this project builds.
/// <c>CHROMIUM_PATH</c> points at another Chromium or Chrome.
/// </summary>
public static class Chromium
{
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path
        : new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists)
          ?? throw new InvalidOperationException("No Chromium found: install it (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH.");

    // Quiet and self-contained: no sandbox (CI runs as root), no GPU, and none of the background
    // traffic (component updates, sync, QUIC probes) that floods a closed network.
    private static readonly string[] s_arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ExecutablePath, Headless = true, Args = s_arguments });
}

using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Playwright;
using SocialMedia.AppHost.Api;
using SocialMedia.Tests.AppHost;
using SocialMedia.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SocialMedia.Tests.Browser;

/// <summary>The processes-mode AppHost with its web app running, and a headless Chromium to use it with.</summary>
public sealed class WebAppHost : IAsyncLifetime
{
    public ProcessesModeAppHost Host { get; } = new();

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri WebUrl => Host.App.GetEndpoint("web", "http");

    public async Task InitializeAsync()
    {
        await Host.InitializeAsync();
        using var timeout = new CancellationTokenSource(ProcessesModeAppHost.StartupTimeout);
        await Host.App.ResourceNotifications.WaitForResourceHealthyAsync("web", timeout.Token);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Chromium.LaunchAsync(Playwright);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        Playwright?.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>
/// What a frontend developer is promised, proven in a real browser against the real stack: the web
/// app served by the AppHost calls the API across origins (CORS with Authorization and JSON), PUTs an
/// image straight to the bucket with a presigned URL (the bucket's CORS, the signed type and length),
/// and shows the image from image_url. Everything is asserted as a person sees it on the page.
/// </summary>
[Collection(AppHostsOneAtATime.Name)]
public sealed class WebAppBrowserTests(WebAppHost web) : IClassFixture<WebAppHost>
{
    private const int ImageWidth = 640;
    private const int ImageHeight = 400;

    [Fact]
    public async Task A_person_signs_up_posts_a_picture_likes_comments_deletes_and_logs_out()
    {
        using var timeout = new CancellationTokenSource(ProcessesModeAppHost.StartupTimeout);
        var seeded = await web.Host.App.ResourceCommands.ExecuteCommandAsync(ApiBuilderExtensions.ResourceName, ApiBuilderExtensions.SeedCommand, timeout.Token);
        Assert.True(seeded.Success, seeded.Message);

        SetDefaultExpectTimeout(30_000);
        await using var context = await web.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 760, Height = 1200 },
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        // A request the browser blocked or lost (CORS, a refused upload, a dead server) fails the test,
        // and so does a script error; answers with an error status are the app's to show.
        var failures = new List<string>();
        page.RequestFailed += (_, request) => failures.Add($"{request.Method} {request.Url}: {request.Failure}");
        page.PageError += (_, error) => failures.Add($"page error: {error}");

        try
        {
            await WalkThroughAsync(page);
        }
        catch (Exception e)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "web-failure.png"), FullPage = true });
            if (failures.Count == 0)
            {
                throw;
            }

            // What the browser saw go wrong (a CORS refusal, say) usually explains what the page did not show.
            throw new InvalidOperationException($"{e.Message}\nThe browser lost these requests or hit these script errors:\n{string.Join("\n", failures)}", e);
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private async Task WalkThroughAsync(IPage page)
    {
        // The AppHost under test has a database of its own: the name is free.
        const string name = "erin";
        const string content = "Sunrise from the balcony, uploaded from a real browser 🌅";
        await page.GotoAsync(web.WebUrl.ToString());

        // Anonymous: the first page of the timeline (the demo data's ten posts), and no way to post.
        await Expect(page.GetByRole(AriaRole.Article)).ToHaveCountAsync(10);
        await Expect(page.GetByRole(AriaRole.Form, new() { Name = "New post" })).ToHaveCountAsync(0);

        var signUp = page.GetByRole(AriaRole.Form, new() { Name = "Sign up" });
        await signUp.GetByLabel("Email").FillAsync($"{name}@example.com");
        await signUp.GetByLabel("Username").FillAsync(name);
        await signUp.GetByLabel("Password").FillAsync(ApiClientExtensions.Password);
        await signUp.GetByRole(AriaRole.Button, new() { Name = "Sign up" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Banner)).ToContainTextAsync($"@{name}");

        // An empty post: the API's 422 names the field, and the page shows its message under it.
        var composer = page.GetByRole(AriaRole.Form, new() { Name = "New post" });
        await composer.GetByRole(AriaRole.Button, new() { Name = "Post" }).ClickAsync();
        await Expect(composer.GetByText("must be 1 to 280 characters and not only whitespace")).ToBeVisibleAsync();

        // A post with a picture chosen from disk: upload-url, the browser's PUT to S3, then the post.
        var picture = Path.Combine(web.Host.DataDirectory, "picture.png");
        await File.WriteAllBytesAsync(picture, DemoImages.Gradient(ImageWidth, ImageHeight, (29, 155, 240), (249, 24, 128)));
        await composer.GetByLabel("What's happening?").FillAsync(content);
        await composer.GetByLabel("Image").SetInputFilesAsync(picture);
        await composer.GetByRole(AriaRole.Button, new() { Name = "Post" }).ClickAsync();

        var post = Post(page, name);
        await Expect(page.GetByRole(AriaRole.Article).First).ToContainTextAsync(content);
        await AssertImageLoadedAsync(post, ImageWidth, ImageHeight);

        await post.GetByRole(AriaRole.Button, new() { Name = "Like", Exact = true }).ClickAsync();
        await Expect(post.GetByText("1 like", new() { Exact = true })).ToBeVisibleAsync();
        await post.GetByRole(AriaRole.Button, new() { Name = "Comments (0)" }).ClickAsync();
        var commentForm = post.GetByRole(AriaRole.Form, new() { Name = "New comment" });
        await commentForm.GetByLabel("Comment").FillAsync("First comment, typed in a browser");
        await commentForm.GetByRole(AriaRole.Button, new() { Name = "Comment", Exact = true }).ClickAsync();
        await Expect(post.GetByRole(AriaRole.Button, new() { Name = "Comments (1)" })).ToBeVisibleAsync();

        // After a reload everything comes from the API again: the like, its count, the comment, the image.
        await page.ReloadAsync();
        post = Post(page, name);
        await Expect(post.GetByRole(AriaRole.Button, new() { Name = "Unlike" })).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(post.GetByText("1 like", new() { Exact = true })).ToBeVisibleAsync();
        await post.GetByRole(AriaRole.Button, new() { Name = "Comments (1)" }).ClickAsync();
        await Expect(post.GetByRole(AriaRole.Listitem)).ToHaveTextAsync($"@{name} First comment, typed in a browser");
        await AssertImageLoadedAsync(post, ImageWidth, ImageHeight);
        await AssertImageLoadedAsync(Post(page, "bob").Filter(new() { HasText = "Morning fog" }));
        await SaveTimelineScreenshotAsync(page);

        // "Load more" follows next_cursor: the eleventh post (the demo's oldest), then no more pages.
        await Expect(page.GetByRole(AriaRole.Article)).ToHaveCountAsync(10);
        await page.GetByRole(AriaRole.Button, new() { Name = "Load more", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Article)).ToHaveCountAsync(11);
        await Expect(page.GetByRole(AriaRole.Article).Last).ToContainTextAsync("Hello, world! First post on the new timeline");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Load more", Exact = true })).ToBeHiddenAsync();

        // Only one's own posts have Delete; deleting takes the post away for good.
        await Expect(Post(page, "bob").First.GetByRole(AriaRole.Button, new() { Name = "Delete" })).ToHaveCountAsync(0);
        await post.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(post).ToHaveCountAsync(0);
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Article)).ToHaveCountAsync(10);
        await Expect(Post(page, name)).ToHaveCountAsync(0);

        // Log out, then the name is taken for a new account (409 under the field), and logging in works.
        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Banner)).Not.ToContainTextAsync($"@{name}");
        signUp = page.GetByRole(AriaRole.Form, new() { Name = "Sign up" });
        await signUp.GetByLabel("Email").FillAsync($"{name}.again@example.com");
        await signUp.GetByLabel("Username").FillAsync(name);
        await signUp.GetByLabel("Password").FillAsync(ApiClientExtensions.Password);
        await signUp.GetByRole(AriaRole.Button, new() { Name = "Sign up" }).ClickAsync();
        await Expect(signUp.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The email or username is already taken.");
        await Expect(signUp.GetByText("is already taken", new() { Exact = true })).ToBeVisibleAsync();

        var logIn = page.GetByRole(AriaRole.Form, new() { Name = "Log in" });
        await logIn.GetByLabel("Email").FillAsync($"{name}@example.com");
        await logIn.GetByLabel("Password").FillAsync(ApiClientExtensions.Password);
        await logIn.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Banner)).ToContainTextAsync($"@{name}");
    }

    private static ILocator Post(IPage page, string username) =>
        page.GetByRole(AriaRole.Article, new() { Name = $"Post by @{username}", Exact = true });

    /// <summary>The image is decoded by the browser, at the size it was uploaded: not a broken-image icon.</summary>
    private static async Task AssertImageLoadedAsync(ILocator post, int? width = null, int? height = null)
    {
        var image = post.GetByRole(AriaRole.Img);
        await Expect(image).ToBeVisibleAsync();
        var size = await image.EvaluateAsync<int[]>("async img => { await img.decode(); return [img.naturalWidth, img.naturalHeight]; }");
        Assert.True(size[0] > 0 && size[1] > 0, $"the image did not load: {size[0]}×{size[1]}");
        Assert.Equal(new[] { width ?? size[0], height ?? size[1] }, size);
    }

    /// <summary>
    /// The timeline as README shows it. Always kept beside the test binaries; with
    /// SOCIALMEDIA_UPDATE_DOCS=1 it replaces docs/images/web-timeline.png.
    /// </summary>
    private static async Task SaveTimelineScreenshotAsync(IPage page)
    {
        var shot = await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "web-timeline.png") });
        if (Environment.GetEnvironmentVariable("SOCIALMEDIA_UPDATE_DOCS") == "1")
        {
            await File.WriteAllBytesAsync(Path.Combine(TestInfrastructure.RepositoryRoot, "docs", "images", "web-timeline.png"), shot);
        }
    }
}

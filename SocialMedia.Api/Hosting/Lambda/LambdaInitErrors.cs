using System.Text;

namespace SocialMedia.Api.Hosting.Lambda;

/// <summary>
/// Reports a start that failed to <c>/runtime/init/error</c>, as the Runtime API asks, so the
/// failure shows as an init error with its reason rather than a bare "Runtime.ExitError". Covers
/// both ways start-up fails here: an exception nobody caught, and Program returning non-zero after
/// printing configuration errors (those lines are kept from stderr for the report).
/// </summary>
internal static class LambdaInitErrors
{
    private const int MaxCapturedChars = 4096;

    private static readonly object s_gate = new();
    private static string? s_runtimeApi;
    private static StringBuilder? s_stderr;
    private static bool s_reported;

    public static void Install(string runtimeApi)
    {
        lock (s_gate)
        {
            if (s_runtimeApi is not null)
            {
                return;
            }

            s_runtimeApi = runtimeApi;
            s_stderr = new StringBuilder();
            Console.SetError(new CapturingWriter(Console.Error));
        }

        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            if (e.ExceptionObject is Exception exception)
            {
                Report(LambdaError.From(exception, "Runtime.Unhandled" + exception.GetType().Name));
            }
        };
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (Environment.ExitCode != 0)
            {
                var printed = Captured();
                Report(new LambdaError(
                    "Runtime.ExitError",
                    $"The function exited with code {Environment.ExitCode} while starting." + (printed.Length > 0 ? " " + printed : " See the function's log."),
                    []));
            }
        };
    }

    private static string Captured()
    {
        lock (s_gate)
        {
            return s_stderr?.ToString().Trim() ?? "";
        }
    }

    private static void Report(LambdaError error)
    {
        lock (s_gate)
        {
            if (s_reported || LambdaInvocationLoop.Started || s_runtimeApi is null)
            {
                return;
            }

            s_reported = true;
        }

        try
        {
            using var client = new LambdaRuntimeClient(s_runtimeApi);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            client.PostInitErrorAsync(error, timeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or LambdaRuntimeException)
        {
            Console.Error.WriteLine($"Could not report the init error to the Runtime API: {e.Message}");
        }
    }

    /// <summary>Passes everything through to stderr; keeps the first few KB until the loop starts.</summary>
    private sealed class CapturingWriter(TextWriter inner) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value)
        {
            inner.Write(value);
            Capture(value.ToString());
        }

        public override void Write(string? value)
        {
            inner.Write(value);
            Capture(value);
        }

        public override void WriteLine(string? value)
        {
            inner.WriteLine(value);
            Capture(value + "\n");
        }

        public override void Flush() => inner.Flush();

        private static void Capture(string? value)
        {
            if (value is null || LambdaInvocationLoop.Started)
            {
                return;
            }

            lock (s_gate)
            {
                if (s_stderr is { } buffer && buffer.Length < MaxCapturedChars)
                {
                    buffer.Append(value.AsSpan(0, Math.Min(value.Length, MaxCapturedChars - buffer.Length)));
                }
            }
        }
    }
}

using System.Text;

namespace SocialMedia.Hosting.Lambda.Runtime;

/// <summary>
/// Reports a start that failed to <c>/runtime/init/error</c>, as the Runtime API asks, so the
/// failure shows as an init error with its reason rather than a bare "Runtime.ExitError". Covers
/// both ways a start fails: an exception nobody caught, and the program returning non-zero after
/// printing configuration errors (those lines are kept from stderr for the report).
/// </summary>
/// <remarks>
/// The state is this object's. The hooks cannot be: a failed start happens where no host exists
/// yet or any more (an exception escaping Main, Main returning 1), so only the process's own
/// events see it, and the app prints its configuration errors to the process's stderr. So
/// <see cref="Install"/> wraps <see cref="Console.Error"/> and subscribes to the AppDomain's
/// unhandled-exception and exit events. Once the loop has started, the reporter neither captures
/// nor reports anything: from then on failures belong to invocations.
/// </remarks>
internal sealed class LambdaInitErrorReporter
{
    private const int MaxCapturedChars = 4096;

    private readonly object _gate = new();
    private readonly string _runtimeApi;
    private readonly StringBuilder _stderr = new();
    private bool _reported;
    private volatile bool _started;

    private LambdaInitErrorReporter(string runtimeApi) => _runtimeApi = runtimeApi;

    public static LambdaInitErrorReporter Install(string runtimeApi)
    {
        var reporter = new LambdaInitErrorReporter(runtimeApi);
        Console.SetError(new CapturingWriter(Console.Error, reporter));
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            if (e.ExceptionObject is Exception exception)
            {
                reporter.Report(LambdaError.From(exception, "Runtime.Unhandled" + exception.GetType().Name));
            }
        };
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (Environment.ExitCode != 0)
            {
                var printed = reporter.Captured();
                reporter.Report(new LambdaError(
                    "Runtime.ExitError",
                    $"The function exited with code {Environment.ExitCode} while starting." + (printed.Length > 0 ? " " + printed : " See the function's log."),
                    []));
            }
        };
        return reporter;
    }

    /// <summary>The first <c>/next</c> is about to go out: the start succeeded.</summary>
    public void InvocationsStarted() => _started = true;

    private string Captured()
    {
        lock (_gate)
        {
            return _stderr.ToString().Trim();
        }
    }

    private void Capture(string value)
    {
        if (_started)
        {
            return;
        }

        lock (_gate)
        {
            if (_stderr.Length < MaxCapturedChars)
            {
                _stderr.Append(value.AsSpan(0, Math.Min(value.Length, MaxCapturedChars - _stderr.Length)));
            }
        }
    }

    private void Report(LambdaError error)
    {
        lock (_gate)
        {
            if (_reported || _started)
            {
                return;
            }

            _reported = true;
        }

        try
        {
            using var client = new LambdaRuntimeClient(_runtimeApi);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            client.PostInitErrorAsync(error, timeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or LambdaRuntimeException)
        {
            Console.Error.WriteLine($"Could not report the init error to the Runtime API: {e.Message}");
        }
    }

    /// <summary>Passes everything through to stderr; keeps the first few KB until the loop starts.</summary>
    private sealed class CapturingWriter(TextWriter inner, LambdaInitErrorReporter owner) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value)
        {
            inner.Write(value);
            owner.Capture(value.ToString());
        }

        public override void Write(string? value)
        {
            inner.Write(value);
            if (value is not null)
            {
                owner.Capture(value);
            }
        }

        public override void WriteLine(string? value)
        {
            inner.WriteLine(value);
            owner.Capture(value + "\n");
        }

        public override void Flush() => inner.Flush();
    }
}

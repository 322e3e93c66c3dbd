using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace SocialMedia.Tests.Infrastructure;

/// <summary>
/// The round trips to one database, as Npgsql itself reports them: its ActivitySource "Npgsql"
/// starts one activity for every command or batch it sends and waits for. Listening in the test
/// process sees the API only when the API runs in it (WebApplicationFactory), so the tests that
/// count run only in-process (<see cref="TestHost.InProcessOnly"/>). Other test classes' APIs use
/// databases of their own, which are told apart by name.
/// </summary>
public sealed class RoundTrips : IDisposable
{
    private readonly string _database;
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<string> _statements = new();

    private RoundTrips(string database)
    {
        _database = database;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Starts counting the round trips to the database of <paramref name="connectionString"/>.</summary>
    public static RoundTrips To(string connectionString) => new(new NpgsqlConnectionStringBuilder(connectionString).Database!);

    public int Count => _statements.Count;

    /// <summary>What was sent, for a failure message.</summary>
    public string Describe() => $"{Count} round trip(s):\n" + string.Join("\n---\n", _statements);

    private void Record(Activity activity)
    {
        // The tag names of OpenTelemetry's database conventions, old and new.
        var database = activity.GetTagItem("db.namespace") ?? activity.GetTagItem("db.name");
        var statement = activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement");
        if (statement is not null && Equals(database, _database))
        {
            _statements.Enqueue(statement.ToString()!);
        }
    }

    public void Dispose() => _listener.Dispose();
}

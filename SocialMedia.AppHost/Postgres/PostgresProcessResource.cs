namespace SocialMedia.AppHost.Postgres;

/// <summary>
/// A PostgreSQL server run from the locally installed binaries: the processes-mode twin of Aspire's
/// <c>PostgresServerResource</c>, with the same connection-string shape so the API cannot tell them apart.
/// </summary>
public sealed class PostgresProcessResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";
    public const string SuperUser = "postgres";

    public EndpointReference PrimaryEndpoint => field ??= new(this, EndpointName);

    public ParameterResource PasswordParameter { get; } = password;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={SuperUser};Password={PasswordParameter}");
}

/// <summary>A database on a <see cref="PostgresProcessResource"/>; created when the server is first ready.</summary>
public sealed class PostgresProcessDatabaseResource(string name, string databaseName, PostgresProcessResource parent)
    : Resource(name), IResourceWithParent<PostgresProcessResource>, IResourceWithConnectionString
{
    public PostgresProcessResource Parent { get; } = parent;

    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}

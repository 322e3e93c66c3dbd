namespace Microsoft.Extensions.Hosting;

/// <summary>Names that the AppHost gives and the services read back; one definition for both sides.</summary>
public static class ResourceNames
{
    /// <summary>The PostgreSQL database, and so the connection-string name (<c>ConnectionStrings__socialdb</c>).</summary>
    public const string Database = "socialdb";
}

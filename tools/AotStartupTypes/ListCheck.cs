using System.Xml.Linq;

namespace AotStartupTypes;

/// <summary>
/// Checks every entry of the list where the types come from: in the API's own process, whose
/// dependencies are the ones the Native AOT compiler builds against (the test process has its
/// own, at other patch levels). An entry that no longer resolves would fail the publish.
/// </summary>
internal static class ListCheck
{
    public const string ListVariable = "AOT_STARTUP_TYPES_LIST";

    private static readonly XNamespace s_rd = "http://schemas.microsoft.com/netfx/2013/01/metadata";

    public static IEnumerable<string> Vanished(string listPath) =>
        XDocument.Load(listPath).Descendants(s_rd + "Assembly")
            .SelectMany(assembly => assembly.Elements(s_rd + "Type").Select(type => $"{type.Attribute("Name")?.Value}, {assembly.Attribute("Name")?.Value}"))
            .Where(entry => Type.GetType(entry, throwOnError: false) is null)
            .Select(entry => $"{ContainerTypeRecorder.ProblemPrefix}vanished {entry}");
}

using System.Text.Json;

namespace AotStartupTypes;

/// <summary>
/// The type names in a call site, as the container describes it (JSON) that the Native AOT
/// executable would otherwise build at run time: generic types, and the arrays it makes for
/// <c>IEnumerable&lt;T&gt;</c> services.
/// </summary>
internal static class CallSiteTypes
{
    private static readonly string[] s_typeProperties = ["serviceType", "implementationType", "itemType"];

    public static List<string> Names(string callSiteJson)
    {
        using var document = JsonDocument.Parse(callSiteJson);
        var names = new List<string>();
        Collect(document.RootElement, names);
        return names;
    }

    private static void Collect(JsonElement element, List<string> names)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (s_typeProperties.Contains(property.Name) && property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { } name)
                    {
                        if (name.Contains('`', StringComparison.Ordinal))
                        {
                            names.Add(name);
                        }

                        // The container resolves IEnumerable<T> into a T[] it creates with Array.CreateInstance.
                        if (property.Name == "itemType")
                        {
                            names.Add(name + "[]");
                        }
                    }

                    Collect(property.Value, names);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, names);
                }

                break;
            default:
                break;
        }
    }
}

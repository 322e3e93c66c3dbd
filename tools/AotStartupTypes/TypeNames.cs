namespace AotStartupTypes;

/// <summary>
/// From the container's type names (<see cref="Type.ToString"/>: <c>Ns.Name`1[Ns.Arg]</c>,
/// <c>Ns.Name[]</c>, no assemblies) to types loaded in this process, and from types to the names
/// rd.xml takes: the generic definition's full name with each argument as <c>[Full.Name, Assembly]</c>,
/// the definition's (or the element's) assembly after the last comma.
/// </summary>
internal static class TypeNames
{
    public static Type? Resolve(string name)
    {
        if (name.EndsWith("[]", StringComparison.Ordinal))
        {
            return Resolve(name[..^2])?.MakeArrayType();
        }

        var open = name.IndexOf('[', StringComparison.Ordinal);
        if (open < 0)
        {
            return Find(name);
        }

        var definition = Find(name[..open]);
        var arguments = SplitArguments(name[(open + 1)..^1]).Select(Resolve).ToArray();
        return definition is null || Array.IndexOf(arguments, null) >= 0 ? null : definition.MakeGenericType(arguments!);
    }

    public static string RdXmlName(Type type) => $"{FullName(type)}, {Innermost(type).Assembly.GetName().Name}";

    private static string FullName(Type type) =>
        type.IsSZArray ? FullName(type.GetElementType()!) + "[]"
        : type.IsGenericType ? $"{type.GetGenericTypeDefinition().FullName}[{string.Join(",", type.GetGenericArguments().Select(argument => $"[{RdXmlName(argument)}]"))}]"
        : type.FullName!;

    private static Type Innermost(Type type) => type.IsSZArray ? Innermost(type.GetElementType()!) : type;

    private static List<string> SplitArguments(string arguments)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < arguments.Length; i++)
        {
            switch (arguments[i])
            {
                case '[':
                    depth++;
                    break;
                case ']':
                    depth--;
                    break;
                case ',' when depth == 0:
                    parts.Add(arguments[start..i]);
                    start = i + 1;
                    break;
                default:
                    break;
            }
        }

        parts.Add(arguments[start..]);
        return parts;
    }

    /// <summary>The one loaded type of that name; none when it is missing or ambiguous (two assemblies define it).</summary>
    private static Type? Find(string fullName) =>
        AppDomain.CurrentDomain.GetAssemblies().Select(assembly => assembly.GetType(fullName)).OfType<Type>().Distinct().ToList() is [var type] ? type : null;
}

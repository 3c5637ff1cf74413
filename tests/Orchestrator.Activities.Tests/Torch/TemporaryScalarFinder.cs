namespace Orchestrator.Activities.Tests.Torch;

/// <summary>
/// Where compiled product code lets a TorchSharp Scalar live only as a temporary, which the garbage collector may free
/// while libtorch reads it (Orchestrator.Ml.HeldScalars, docs/adr/0045-held-torch-scalars.md): an implicit conversion
/// to Scalar in product code; a call to a library method that makes one inside (followed through the library's own
/// calls); a library module or optimiser whose forward or step makes one, created by product code or inherited by a
/// product type that does not override it.
/// </summary>
internal sealed class TemporaryScalarFinder
{
    private const string ImplicitScalar = "TorchSharp.Scalar::op_Implicit(";
    private static readonly string[] VirtualEntries = ["forward", "step"];

    private readonly IlCallGraph library;
    private readonly HashSet<string> makesTemporaries;

    public TemporaryScalarFinder(IlCallGraph library)
    {
        this.library = library;
        makesTemporaries = [.. library.Methods.Values.Where(m => m.Calls.Any(c => c.StartsWith(ImplicitScalar, StringComparison.Ordinal))).Select(m => m.Name)];
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var method in library.Methods.Values)
            {
                if (!makesTemporaries.Contains(method.Name) && method.Calls.Any(makesTemporaries.Contains))
                {
                    grew = makesTemporaries.Add(method.Name);
                }
            }
        }
    }

    /// <summary>How many library methods make a temporary Scalar (a guard that the library was read at all).</summary>
    public int LibraryMethodsMakingTemporaries => makesTemporaries.Count;

    public IReadOnlyList<string> Find(IlCallGraph product, Func<string, bool> inScope)
    {
        var findings = new List<string>();
        foreach (var method in product.Methods.Values.Where(m => inScope(m.Name)))
        {
            foreach (var call in method.Calls.Distinct())
            {
                if (call.StartsWith(ImplicitScalar, StringComparison.Ordinal))
                {
                    findings.Add($"{method.Name} converts to a Scalar implicitly ({call})");
                }
                else if (makesTemporaries.Contains(call))
                {
                    findings.Add($"{method.Name} calls {call}, which converts to a Scalar implicitly inside");
                }
                else if (library.Methods.TryGetValue(call, out var callee) && CreatedType(callee, method.Constructs.Contains(call)) is { } created
                    && UnsafeEntry(created) is { } entry)
                {
                    findings.Add($"{method.Name} creates a {created}, whose {entry} converts to a Scalar implicitly");
                }
            }
        }

        foreach (var (type, baseType) in product.BaseTypes.Where(t => inScope(t.Key + "::")))
        {
            if (baseType is not null && library.BaseTypes.ContainsKey(baseType))
            {
                foreach (var entry in VirtualEntries.Where(e => !product.TypeMethods[type].Any(m => ShortName(m) == e)))
                {
                    if (UnsafeEntry(baseType, entry) is { } inherited)
                    {
                        findings.Add($"{type} inherits {inherited}, which converts to a Scalar implicitly");
                    }
                }
            }
        }

        return findings;
    }

    // newobj creates the constructor's type (a derived type's call to its base constructor creates nothing); a factory
    // method creates its return type.
    private static string? CreatedType(IlCallGraph.MethodFacts method, bool newObject) => method.ShortName switch
    {
        ".ctor" when newObject => method.Name[..method.Name.IndexOf("::", StringComparison.Ordinal)],
        ".ctor" => null,
        _ => StripArguments(method.ReturnType),
    };

    private string? UnsafeEntry(string type) => VirtualEntries.Select(e => UnsafeEntry(type, e)).FirstOrDefault(u => u is not null);

    // The library's most derived definition of forward or step for the type, if it makes a temporary Scalar.
    private string? UnsafeEntry(string type, string entry)
    {
        for (string? current = type; current is not null && library.TypeMethods.TryGetValue(current, out var methods); current = library.BaseTypes[current])
        {
            var defined = methods.Where(m => ShortName(m) == entry).ToList();
            if (defined.Count > 0)
            {
                return defined.FirstOrDefault(makesTemporaries.Contains);
            }
        }

        return null;
    }

    private static string ShortName(string method)
    {
        var start = method.IndexOf("::", StringComparison.Ordinal) + 2;
        return method[start..method.IndexOf('(', start)];
    }

    private static string StripArguments(string type) => type.IndexOf('<', StringComparison.Ordinal) is var i and > 0 ? type[..i] : type;
}

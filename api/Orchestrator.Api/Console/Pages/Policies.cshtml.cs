using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Orchestrator.Api.Approvals;
using Orchestrator.Api.Console.Runs;
using Orchestrator.Operations.Policies;

namespace Orchestrator.Api.Console.Pages;

/// <summary>The governance policies (what GET /api/policies lists): one document, or the line diff between two.</summary>
[Authorize(Policy = ConsoleAuth.Read)]
public sealed class PoliciesModel(PolicyCatalog catalog) : PageModel
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public IReadOnlyList<PolicyDocument> All => catalog.All;

    [BindProperty(SupportsGet = true)]
    public string? View { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    public PolicyDocument? Shown { get; private set; }

    public IReadOnlyList<string>? Lines { get; private set; }

    public IReadOnlyList<(char Kind, string Line)>? Diff { get; private set; }

    public string? Problem { get; private set; }

    public void OnGet()
    {
        if (View is { Length: > 0 } view)
        {
            Shown = Find(view);
            Lines = Shown is null ? null : Pretty(Shown);
            Problem = Shown is null ? $"No policy '{view}'." : null;
        }

        if (From is { Length: > 0 } from && To is { Length: > 0 } to)
        {
            var (a, b) = (Find(from), Find(to));
            Diff = a is null || b is null ? null : LineDiff.Of(Pretty(a), Pretty(b));
            Problem = Diff is null ? "Choose two policy versions to compare." : Problem;
        }
    }

    /// <summary>"name/vN" to a document.</summary>
    public PolicyDocument? Find(string key) => ApprovalPrecheck.Policy(key) is { } reference ? catalog.Find(reference) : null;

    public static string Key(PolicyDocument document) => $"{document.Name}/v{document.Version}";

    private static List<string> Pretty(PolicyDocument document)
    {
        using var json = JsonDocument.Parse(document.Json);
        return [.. JsonSerializer.Serialize(json.RootElement, Indented).Split('\n')];
    }
}

using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Ledger;
using Orchestrator.Contracts;
using Orchestrator.Operations.Models;

namespace Orchestrator.Operations.Tests.Models;

/// <summary>A model's stream as the ledger would return it, written event by event (Given), folded into a <see cref="ModelState"/>.</summary>
internal sealed class ModelStreamBuilder(string model = "shapes")
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly List<LedgerEntry> _entries = [];

    public static string Onnx(char c) => Digest.FromHex(new string(c, 64)).ToString();

    public ModelStreamBuilder Add(object fact, string? key = null)
    {
        var version = _entries.Count + 1;
        _entries.Add(new LedgerEntry(AuditStreams.Model(model), version, version, "event", Start.AddMinutes(version), key ?? $"key-{version}",
            new AuditContext(Actor.Service("test", "worker"), new Correlation("wf", "run"), null, []), fact, "previous", $"hash-{version}"));
        return this;
    }

    /// <summary>Version <paramref name="version"/> exported by run-{version}, evaluated and approved.</summary>
    public ModelStreamBuilder Approved(int version, char onnx = 'a') => Add(new ModelExported(version, $"run-{version}", Onnx('d'), Onnx(onnx), "blob://m", 0))
        .Add(new ModelVersionApproved(version, $"run-{version}", ["alice", "bob"], Onnx('e'), [new LedgerReference($"run-run-{version}", 3, "h")]));

    public ModelStreamBuilder Production(int version) => Add(new ModelDeployed(version, ModelState.ProductionAlias, 1.0));

    public ModelState State() => new(model, [.. _entries]);
}

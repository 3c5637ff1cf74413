using Orchestrator.Audit.Canonical;
using Orchestrator.Audit.Replay;

namespace Orchestrator.Audit.Ledger;

/// <summary>
/// What the next append to a stream links to and folds from: the stream's head and its inline read models
/// as of that head. Always taken together (read in one statement, or written by one append), so when the
/// chain guard accepts a link to <see cref="Hash"/>, the read models are those of the real head.
/// </summary>
/// <param name="Version">The head's version (0 for an empty stream).</param>
/// <param name="Hash">The head's chain hash (the genesis hash for an empty stream).</param>
/// <param name="Run">The run summary document of the stream, or null.</param>
/// <param name="Model">The model registry document of the stream, or null.</param>
internal sealed record StreamState(long Version, string Hash, RunSummary? Run, ModelRegistryEntry? Model)
{
    /// <summary>A stream with no entries.</summary>
    public static StreamState Empty { get; } = new(0, CanonicalEntry.GenesisHash, null, null);
}

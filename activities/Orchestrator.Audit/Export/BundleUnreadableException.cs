namespace Orchestrator.Audit.Export;

/// <summary>
/// A bundle that cannot be verified at all: not a zip or directory, no manifest or signature, a manifest or
/// line that is not what the format says, or a key that is not the trusted one. The message is one line.
/// </summary>
public sealed class BundleUnreadableException(string message, Exception? inner = null) : Exception(message, inner);

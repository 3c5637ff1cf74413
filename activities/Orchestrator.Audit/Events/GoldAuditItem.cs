namespace Orchestrator.Audit.Events;

/// <summary>One item of a gold-audit sample as a reviewer sees it: its id and the digest of its stored image (GET /api/artifacts/{digest}).</summary>
public sealed record GoldAuditItem(string ItemId, string ImageDigest);

/// <summary>One label a reviewer gave a sampled item.</summary>
public sealed record GoldAuditItemLabel(string ItemId, string Label);

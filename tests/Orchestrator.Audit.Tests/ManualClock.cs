namespace Orchestrator.Audit.Tests;

/// <summary>A clock the test moves by hand, so recording times are known exactly.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}

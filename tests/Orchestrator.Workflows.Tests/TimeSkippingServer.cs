using Orchestrator.Testing.Temporal;

namespace Orchestrator.Workflows.Tests;

/// <summary>
/// The test classes that use the time-skipping server. They share one server, and one class waiting for a
/// workflow result unlocks skipping for every workflow on it, so a second class running at the same time
/// would see its timers fire early (a monitor's hourly check running 73 times in 30 s). Members of one
/// collection run one after another.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TimeSkippingServer : ICollectionFixture<TimeSkippingTemporalEnvironment>
{
    public const string Name = "time-skipping server";
}

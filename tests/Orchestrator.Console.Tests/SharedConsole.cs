namespace Orchestrator.Console.Tests;

/// <summary>The console's test classes share one service, one run and one browser (their order does not matter).</summary>
[CollectionDefinition(Name)]
public sealed class SharedConsole : ICollectionFixture<ConsoleBrowser>
{
    public const string Name = "console";
}

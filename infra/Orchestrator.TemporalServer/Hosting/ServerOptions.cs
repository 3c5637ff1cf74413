namespace Orchestrator.TemporalServer.Hosting;

/// <summary>How the embedded server runs.</summary>
public sealed record ServerOptions
{
    /// <summary>Address to listen on; only loopback makes sense for a development server.</summary>
    public string Ip { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Jump the clock to the next timer whenever nothing is outstanding (the SDK's test-server mode).</summary>
    public bool TimeSkipping { get; init; }

    /// <summary>Namespaces registered at start in addition to "default".</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>Custom search attributes registered in every namespace at start (name to type), as the Temporal
    /// CLI's --search-attribute NAME=TYPE does.</summary>
    public IReadOnlyDictionary<string, Temporalio.Api.Enums.V1.IndexedValueType> SearchAttributes { get; init; } =
        new Dictionary<string, Temporalio.Api.Enums.V1.IndexedValueType>();

    /// <summary>A process whose end stops the server (a test host that launched it), so no server outlives it.</summary>
    public int? StopWithProcess { get; init; }

    /// <summary>How long a long poll waits before answering empty; the SDK's deadline is 70 s.</summary>
    public TimeSpan LongPollTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Minimum log level of the server's own logs (Debug logs every RPC).</summary>
    public Microsoft.Extensions.Logging.LogLevel LogLevel { get; init; } = Microsoft.Extensions.Logging.LogLevel.Warning;
}

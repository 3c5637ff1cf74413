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

    /// <summary>How long a long poll waits before answering empty; the SDK's deadline is 70 s.</summary>
    public TimeSpan LongPollTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Minimum log level of the server's own logs (Debug logs every RPC).</summary>
    public Microsoft.Extensions.Logging.LogLevel LogLevel { get; init; } = Microsoft.Extensions.Logging.LogLevel.Warning;
}

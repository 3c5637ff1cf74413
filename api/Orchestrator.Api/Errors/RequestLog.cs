namespace Orchestrator.Api.Errors;

/// <summary>
/// One log line per refused malformed request (information) or backend outage (warning), without a stack trace, and
/// at most <see cref="PerMinute"/> of each kind a minute: a client hammering the API with bad bodies, or a database
/// that stays down, cannot fill the log. What was not logged is counted and reported once the next minute begins.
/// The request's path is logged without its query string, and never a body.
/// </summary>
public sealed partial class RequestLog(ILogger<RequestLog> logger, TimeProvider time)
{
    /// <summary>Lines of each kind per minute.</summary>
    public const int PerMinute = 20;

    private readonly Window _malformed = new();
    private readonly Window _outage = new();

    /// <summary>A request refused as malformed with <paramref name="status"/>.</summary>
    public void Malformed(HttpContext context, int status, string reason)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (logger.IsEnabled(LogLevel.Information) && _malformed.Admit(time.GetUtcNow(), out var skipped))
        {
            var path = Path(context);
            LogMalformed(logger, status, context.Request.Method, path, reason, skipped);
        }
    }

    /// <summary>A request answered 503 because a backend could not be reached.</summary>
    public void Outage(HttpContext context, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(exception);
        if (logger.IsEnabled(LogLevel.Warning) && _outage.Admit(time.GetUtcNow(), out var skipped))
        {
            var (path, type, message) = (Path(context), exception.GetType().Name, exception.GetBaseException().Message);
            LogOutage(logger, context.Request.Method, path, type, message, skipped);
        }
    }

    // Control characters would forge log lines; the path is the caller's text.
    private static string Path(HttpContext context) =>
        string.Concat(context.Request.Path.ToString().Take(200).Select(c => char.IsControl(c) || char.IsSurrogate(c) ? '?' : c));

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a malformed request with {Status}: {Method} {Path}: {Reason} ({Skipped} more since the last line were not logged)")]
    private static partial void LogMalformed(ILogger logger, int status, string method, string path, string reason, long skipped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered 503, a backend is unavailable: {Method} {Path}: {Exception}: {Message} ({Skipped} more since the last line were not logged)")]
    private static partial void LogOutage(ILogger logger, string method, string path, string exception, string message, long skipped);

    /// <summary>A fixed one-minute window admitting <see cref="PerMinute"/> lines.</summary>
    private sealed class Window
    {
        private readonly Lock _lock = new();
        private DateTimeOffset _start;
        private int _admitted;
        private long _skipped;

        public bool Admit(DateTimeOffset now, out long skipped)
        {
            lock (_lock)
            {
                if (now - _start >= TimeSpan.FromMinutes(1))
                {
                    (_start, _admitted) = (now, 0);
                }

                if (_admitted < PerMinute)
                {
                    _admitted++;
                    (skipped, _skipped) = (_skipped, 0);
                    return true;
                }

                _skipped++;
                skipped = 0;
                return false;
            }
        }
    }
}

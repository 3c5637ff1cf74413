using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Orchestrator.Audit.Export;

namespace Orchestrator.Api.Audit;

/// <summary>
/// Export bundles are written in the background (a large ledger takes a while): each job writes
/// {id}.zip and {id}.json (its status) into the export directory, so the status survives a restart
/// and any replica sharing the directory can answer GET. A repeated idempotency key finds the same job.
/// </summary>
public sealed partial class ExportJobs(LedgerExporter exporter, IConfiguration configuration, TimeProvider time, ILogger<ExportJobs> logger) : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _runningBy = new(StringComparer.Ordinal);
    private readonly ExportQuota _quota = configuration.GetSection(ExportQuota.Section).Get<ExportQuota>() ?? new ExportQuota();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>Where bundles go: Orchestrator:Audit:ExportDirectory, by default .local/exports.</summary>
    public string Directory { get; } = configuration["Orchestrator:Audit:ExportDirectory"] is { Length: > 0 } d ? d : Path.Combine(Operations.Hosting.BackendServices.LocalDirectory(), "exports");

    public string BundlePath(string id) => Path.Combine(Directory, id + ".zip");

    private string StatusPath(string id) => Path.Combine(Directory, id + ".json");

    /// <summary>
    /// Starts job <paramref name="id"/> unless it exists; returns its status. Bundles and statuses are readable by the
    /// service's user only (0600, in a 0700 directory when it creates it): they hold the ledger.
    /// </summary>
    /// <exception cref="ExportQuotaExceededException">The caller's <see cref="ExportQuota"/> is spent.</exception>
    public async Task<ExportStatus> StartAsync(string id, string user, IReadOnlyList<string>? streams)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, OwnerOnly | UnixFileMode.UserExecute);
        }

        await _one.WaitAsync();
        try
        {
            if (await FindAsync(id) is { } existing)
            {
                return existing;
            }

            await CheckQuotaAsync(user);
            var status = new ExportStatus(id, "pending", time.GetUtcNow(), user, null, null, null, null);
            await WriteAsync(status);
            _runningBy[id] = user;
            _running[id] = Task.Run(() => RunAsync(status, streams));
            return status;
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>The job's status, or null when there is no such job.</summary>
    public async Task<ExportStatus?> FindAsync(string id)
    {
        var path = StatusPath(id);
        if (!File.Exists(path))
        {
            return null;
        }

        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return await JsonSerializer.DeserializeAsync<ExportStatus>(file, Json);
    }

    private async Task RunAsync(ExportStatus status, IReadOnlyList<string>? streams)
    {
        var partial = BundlePath(status.ExportId) + ".partial";
        try
        {
            File.Delete(partial);
            var manifest = await exporter.ExportZipAsync(partial, streams?.ToArray(), _stopping.Token);
            string digest;
            await using (var zip = File.OpenRead(partial))
            {
                digest = Convert.ToHexStringLower(await SHA256.HashDataAsync(zip, _stopping.Token));
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(partial, OwnerOnly);
            }

            File.Move(partial, BundlePath(status.ExportId), overwrite: true);
            await WriteAsync(status with { Status = "completed", EventCount = manifest.EventCount, Sha256 = digest, Bundle = $"/api/audit/exports/{status.ExportId}/bundle" });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e, status.ExportId);
            File.Delete(partial);
            await WriteAsync(status with { Status = "failed", Error = e.Message });
        }
        finally
        {
            _runningBy.TryRemove(status.ExportId, out _);
            _running.TryRemove(status.ExportId, out _);
        }
    }

    /// <summary>Refuses a caller with <see cref="ExportQuota.Running"/> exports in progress here, or <see cref="ExportQuota.PerDay"/> started in 24 hours.</summary>
    private async Task CheckQuotaAsync(string user)
    {
        if (_runningBy.Values.Count(u => u == user) >= _quota.Running)
        {
            throw new ExportQuotaExceededException($"{_quota.Running} of your exports are still being written; wait for one to complete.", TimeSpan.FromSeconds(10));
        }

        var since = time.GetUtcNow() - TimeSpan.FromDays(1);
        var started = new List<DateTimeOffset>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            if (await ReadStatusAsync(path) is { } status && status.RequestedBy == user && status.RequestedAt > since)
            {
                started.Add(status.RequestedAt);
            }
        }

        if (started.Count >= _quota.PerDay)
        {
            var retry = started.Order().First() + TimeSpan.FromDays(1) - time.GetUtcNow();
            throw new ExportQuotaExceededException($"You started {started.Count} exports in the last 24 hours, the most allowed.", retry > TimeSpan.Zero ? retry : TimeSpan.FromSeconds(1));
        }
    }

    private static async Task<ExportStatus?> ReadStatusAsync(string path)
    {
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return await JsonSerializer.DeserializeAsync<ExportStatus>(file, Json);
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null; // being replaced, or not a status file
        }
    }

    private async Task WriteAsync(ExportStatus status)
    {
        var temporary = StatusPath(status.ExportId) + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        await using (var file = new FileStream(temporary, options))
        {
            await file.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(status, Json));
        }

        File.Move(temporary, StatusPath(status.ExportId), overwrite: true);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit export {ExportId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string exportId);

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        _one.Dispose();
    }
}

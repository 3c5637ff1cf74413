using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Contracts;

namespace Orchestrator.Cli.Client;

/// <summary>
/// The HTTP client of the API: base URL from --api or ORCHESTRATOR_API, bearer token from --token or
/// ORCHESTRATOR_TOKEN. Problem details become a <see cref="CliException"/> with the problem's detail.
/// </summary>
public sealed class ApiClient : IDisposable
{
    public const string DefaultApi = "http://127.0.0.1:5080";
    private readonly HttpClient _http;

    public ApiClient(string? api, string? token, HttpMessageHandler? handler = null)
    {
        var baseUrl = api ?? Environment.GetEnvironmentVariable("ORCHESTRATOR_API") ?? DefaultApi;
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new CliException(ExitCodes.BadInput, $"--api must be an http(s) URL, got '{baseUrl}'");
        }

        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.BaseAddress = uri;
        _http.Timeout = TimeSpan.FromMinutes(5);
        if ((token ?? Environment.GetEnvironmentVariable("ORCHESTRATOR_TOKEN")) is { Length: > 0 } bearer)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer.Trim());
        }
    }

    public Uri BaseAddress => _http.BaseAddress!;

    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    public Task<JsonElement> PostAsync(string path, object body, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// Downloads <paramref name="path"/> into <paramref name="file"/> all or nothing: the bytes go to a temporary
    /// file beside it, hashed on the way, and replace <paramref name="file"/> only once complete (and, when
    /// <paramref name="expectedSha256"/> is given, only if they hash to it). A failed or cut transfer leaves no file.
    /// </summary>
    public async Task<Download> DownloadAsync(string path, string file, CancellationToken cancellationToken, string? expectedSha256 = null)
    {
        using var response = await SendRawAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        var partial = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, $".{Path.GetFileName(file)}.{Guid.NewGuid():N}.partial");
        try
        {
            long bytes;
            string sha256;
            await using (var output = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await using var input = await response.Content.ReadAsStreamAsync(cancellationToken);
                sha256 = (await Digest.CopyAsync(input, output, cancellationToken)).Hex;
                bytes = output.Length;
            }

            if (response.Content.Headers.ContentLength is { } expected && expected != bytes)
            {
                throw new CliException(ExitCodes.Failed, $"the download of {path} was cut short ({bytes} of {expected} bytes); nothing was written");
            }

            if (expectedSha256 is not null && !string.Equals(expectedSha256, sha256, StringComparison.Ordinal))
            {
                throw new CliException(ExitCodes.Failed, $"the download of {path} hashes to sha256:{sha256}, not sha256:{expectedSha256}; nothing was written");
            }

            File.Move(partial, file, overwrite: true);
            return new Download(bytes, sha256, response.Content.Headers.ContentType?.MediaType);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // The API answered and then stopped: it cuts a download short when the stored bytes do not hash to their
            // name, so this is a failed verification (exit 1, as the README says), not an unreachable API.
            throw new CliException(ExitCodes.Failed, $"the download of {path} was cut short ({e.Message}); nothing was written");
        }
        finally
        {
            File.Delete(partial);
        }
    }

    public async Task<string> GetTextAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    private async Task<JsonElement> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            using (request)
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
        }
        catch (HttpRequestException e)
        {
            throw new CliException(ExitCodes.Unavailable, $"cannot reach the API at {_http.BaseAddress} ({e.Message}); start it with ./run.sh or pass --api");
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var detail = await ProblemAsync(response, cancellationToken);
            var code = response.StatusCode switch
            {
                HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType => ExitCodes.BadInput,
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ExitCodes.Denied,
                HttpStatusCode.NotFound or HttpStatusCode.Conflict => ExitCodes.NotFoundOrConflict,
                _ => ExitCodes.Unavailable,
            };
            throw new CliException(code, $"{(int)response.StatusCode} {detail}");
        }
    }

    /// <summary>One line from problem details: the detail (or title), plus the field errors of a validation problem.</summary>
    private static async Task<string> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            var problem = JsonDocument.Parse(text).RootElement;
            var line = problem.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()
                : problem.TryGetProperty("title", out var t) ? t.GetString() : response.ReasonPhrase;
            if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                line += " " + string.Join("; ", errors.EnumerateObject().Select(e => $"{e.Name}: {string.Join(" ", e.Value.EnumerateArray().Select(v => v.GetString()))}"));
            }

            return line ?? "";
        }
        catch (JsonException)
        {
            return response.ReasonPhrase ?? "";
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>A completed download: its size, SHA-256 (lowercase hex) and media type.</summary>
public sealed record Download(long Bytes, string Sha256, string? MediaType);

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Orchestrator.Benchmarks.WebConsole;

/// <summary>
/// The console's pages with the demo's data (issue 21: "pages that load in well under a second"): the service as
/// `./run.sh` serves it (Release build, Development, role api so no worker competes), started on this checkout's ledger,
/// where `./run.sh demo` left its run and model. A person with the approver and auditor roles signs in through the
/// Development sign-in, then each page is fetched (the HTML read to its end) until the median settles. Baseline: GET
/// /healthz over the same HTTP stack, client and connection. The first load after the start (JIT, first queries) is
/// printed on its own. Server-side only: the browser's share (layout, one cached stylesheet, the plots) is in the
/// console tests' page-loads.txt, measured with Playwright.
/// </summary>
public sealed partial class ConsolePagesBenchmark : IBenchmark
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    public string Name => "console-pages";

    public string Description => "console pages (overview, inbox, run, models, model, audit, policies) on the demo's data vs GET /healthz (ms, median)";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = RepositoryRoot();
        var dll = Path.Combine(root, "api/Orchestrator.Api/bin/Release/net10.0/Orchestrator.Api.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: ./bench.sh console-pages builds the service first");
        }

        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        using var service = StartService(root, dll, address);
        try
        {
            using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true };
            using var http = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
            var started = Stopwatch.StartNew();
            await WaitHealthyAsync(http, service, cancellationToken);
            BenchContext.Note($"service answered /healthz after {started.Elapsed.TotalSeconds:0.0} s");

            await SignInAsync(http, cancellationToken);
            var (overviewFirst, overview) = await TimedGetAsync(http, "/console", cancellationToken);
            context.Value(overviewFirst, "ms", "first-load-overview");
            var runId = RunLink().Matches(overview).Select(m => m.Groups["id"].Value).FirstOrDefault();
            var model = ModelLink().Matches(overview).Select(m => Uri.UnescapeDataString(m.Groups["name"].Value)).FirstOrDefault(n => n.StartsWith("demo-", StringComparison.Ordinal));
            if (runId is null || model is null)
            {
                context.Skipped("no demo run or model in this checkout's ledger (.local/): run ./run.sh demo first");
                return;
            }

            BenchContext.Note($"demo run {runId}, model {model}");
            var pages = new (string Name, string Path)[]
            {
                ("overview", "/console"), ("approvals", "/console/approvals"), ("run", $"/console/runs/{runId}"),
                ("models", "/console/models"), ("model", $"/console/models/{Uri.EscapeDataString(model)}"),
                ("audit", "/console/audit"), ("policies", "/console/policies"),
            };
            var first = new List<string>();
            foreach (var (name, path) in pages.Skip(1))
            {
                first.Add($"{name} {(await TimedGetAsync(http, path, cancellationToken)).Milliseconds:0} ms");
            }

            BenchContext.Note($"first load of each other page: {string.Join(", ", first)}");
            var rounds = BenchContext.Scaled(20);
            var healthz = new List<double>();
            var times = pages.ToDictionary(p => p.Name, _ => new List<double>());
            for (var round = 0; round < rounds; round++)
            {
                healthz.Add((await TimedGetAsync(http, "/healthz", cancellationToken)).Milliseconds);
                foreach (var (name, path) in pages)
                {
                    times[name].Add((await TimedGetAsync(http, path, cancellationToken)).Milliseconds);
                }
            }

            var baseline = Measure.Median(healthz);
            foreach (var (name, _) in pages)
            {
                context.Ratio(Measure.Median(times[name]), baseline, "ms", name);
                BenchContext.Note($"{name}: slowest of {rounds} {times[name].Max():0.0} ms");
            }
        }
        finally
        {
            Stop(service);
        }
    }

    /// <summary>GET <paramref name="path"/>, reading the body to its end; a non-success status fails the benchmark (a fast error page is no figure).</summary>
    private static async Task<(double Milliseconds, string Body)> TimedGetAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync(path, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (!response.IsSuccessStatusCode || response.RequestMessage?.RequestUri?.AbsolutePath.StartsWith("/console/sign-in", StringComparison.Ordinal) == true)
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode} at {response.RequestMessage?.RequestUri}");
        }

        return (elapsed, body);
    }

    /// <summary>The Development sign-in's form, as a person submits it: one identity with the approver and auditor roles, so every page is open.</summary>
    private static async Task SignInAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var form = await http.GetStringAsync("/console/sign-in/development", cancellationToken);
        var token = AntiforgeryField().Match(form) is { Success: true } m ? m.Groups["value"].Value
            : throw new InvalidOperationException("the Development sign-in page has no antiforgery field (is the service in Development?)");
        using var content = new FormUrlEncodedContent(
        [
            new("__console-antiforgery", token), new("User", "bench-viewer"), new("Roles", "approver"), new("Roles", "auditor"), new("ReturnUrl", "/console"),
        ]);
        using var response = await http.PostAsync("/console/sign-in/development", content, cancellationToken);
        if (!response.IsSuccessStatusCode || response.RequestMessage?.RequestUri?.AbsolutePath != "/console")
        {
            throw new InvalidOperationException($"the Development sign-in did not open a session: {(int)response.StatusCode} at {response.RequestMessage?.RequestUri}");
        }
    }

    private static Process StartService(string root, string dll, Uri address)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString().TrimEnd('/'));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Orchestrator__Role"] = "api";
        var process = Process.Start(start) ?? throw new InvalidOperationException("the service did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { BenchContext.Note("service: " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitHealthyAsync(HttpClient http, Process service, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (service.HasExited)
            {
                throw new InvalidOperationException($"the service exited at start-up (code {service.ExitCode})");
            }

            try
            {
                using var response = await http.GetAsync("/healthz", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            if (deadline.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"the service did not answer /healthz within {StartTimeout.TotalSeconds:0} s");
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    private static void Stop(Process service)
    {
        if (!service.HasExited)
        {
            service.Kill(entireProcessTree: true);
            service.WaitForExit(10_000);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orchestrator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (Orchestrator.sln) is not above the benchmark's directory");
    }

    [GeneratedRegex("name=\"__console-antiforgery\" type=\"hidden\" value=\"(?<value>[^\"]+)\"|type=\"hidden\" name=\"__console-antiforgery\" value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("href=\"/console/runs/(?<id>[^\"]+)\"")]
    private static partial Regex RunLink();

    [GeneratedRegex("href=\"/console/models/(?<name>[^\"]+)\"")]
    private static partial Regex ModelLink();
}

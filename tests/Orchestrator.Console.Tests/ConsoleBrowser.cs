using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Orchestrator.Api.Identity;
using Orchestrator.Client;

namespace Orchestrator.Console.Tests;

/// <summary>
/// One service and one browser for the console's tests: Debian's chromium (never a downloaded browser) driven by
/// Playwright's bundled driver, and one governed run that alice starts through the API and that reaches the approval
/// stage with the real activities (train, export, evaluate) before any page is opened.
/// </summary>
public sealed class ConsoleBrowser : IAsyncLifetime
{
    /// <summary>Debian's browser; infra/prerequisites.sh installs it with apt.</summary>
    public const string Chromium = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private IPlaywright? _playwright;

    public ConsoleService Service { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The run alice started, waiting for approval.</summary>
    public string RunId { get; private set; } = "";

    /// <summary>The model the run trains.</summary>
    public string Model { get; } = "console-shapes";

    /// <summary>Where screenshots go (the test output directory).</summary>
    public string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "console-screenshots");

    /// <summary>
    /// Page loads measured as the tests go, for the report: the test's wall time for the navigation, and the browser's own
    /// navigation timing split into the server's share (request sent to first byte) and the rest (transfer, parsing, the
    /// stylesheet and images, up to the load event).
    /// </summary>
    public List<(string Page, double Milliseconds, double Server, double Browser)> Loads { get; } = [];

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"{Chromium} is missing: the console's browser tests use Debian's chromium (infra/prerequisites.sh installs it with apt).");
        }

        Directory.CreateDirectory(Screenshots);
        await Service.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Args = ChromiumArgs, Headless = true });
        RunId = await StartRunAsync();
    }

    /// <summary>A development token for <paramref name="user"/>, as `./orchestrator dev token` mints it for this service.</summary>
    public string TokenFor(string user, params string[] roles) =>
        DevelopmentTokens.Mint(DevelopmentTokens.LoadOrCreateKey(Service.KeyPath), AuthOptions.DefaultIssuer, AuthOptions.DefaultAudience, user, roles, TimeSpan.FromHours(1));

    /// <summary>A fresh browser session (its own cookies) signed in as <paramref name="person"/> through the Development sign-in page.</summary>
    public async Task<IPage> SignInAsync(string person)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Service.Address.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await GotoAsync(page, "/console/sign-in/development");
        await page.GetByTestId($"sign-in-{person}").ClickAsync();
        await page.WaitForURLAsync("**/console");
        (await page.GetByTestId("signed-in-user").InnerTextAsync()).ShouldBe(person);
        return page;
    }

    /// <summary>Opens <paramref name="path"/>, recording how long the page took to load.</summary>
    public async Task<IResponse> GotoAsync(IPage page, string path)
    {
        var watch = Stopwatch.StartNew();
        var response = await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        var milliseconds = watch.Elapsed.TotalMilliseconds;
        // The Navigation Timing API, read through the DevTools protocol (the page's CSP allows no script of its own).
        var timing = await page.EvaluateAsync<double[]>(
            "() => { const n = performance.getEntriesByType('navigation')[0]; return n ? [n.responseStart - n.requestStart, (n.loadEventEnd || n.loadEventStart || performance.now()) - n.responseStart, n.domInteractive - n.responseEnd, Math.max(0, ...performance.getEntriesByType('resource').map(r => r.duration))] : [-1, -1, -1, -1]; }");
        lock (Loads)
        {
            Loads.Add((path, milliseconds, timing[0], timing[1]));
        }

        // Printed, never asserted: a timing is a figure to read, not a pass/fail condition.
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"page load {milliseconds:0.0} ms (server {timing[0]:0.0} ms, browser {timing[1]:0.0} ms: parsing {timing[2]:0.0} ms, slowest subresource {timing[3]:0.0} ms) {path}");
        return response!;
    }

    /// <summary>axe-core (injected into the page) finds no serious or critical violation.</summary>
    public static async Task ExpectAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        var severe = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        severe.ShouldBeEmpty(string.Join("; ", severe.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))}")));
        result.Passes.ShouldNotBeEmpty("axe-core ran no rule: it was not injected");
    }

    /// <summary>Saves what the page shows (the whole page when <paramref name="fullPage"/>) as console-screenshots/NAME.png.</summary>
    public Task ScreenshotAsync(IPage page, string name, bool fullPage = true) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = fullPage });

    /// <summary>Saves one element (a section of a page) as console-screenshots/NAME.png.</summary>
    public Task ScreenshotAsync(ILocator element, string name) =>
        element.ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png") });

    /// <summary>alice registers a synthetic dataset and starts a run under the console tests' policy (Policies/console.v1.json), then the test waits until it awaits approval.</summary>
    private async Task<string> StartRunAsync()
    {
        using var alice = Service.CreateClient();
        alice.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenFor("alice", Roles.MlEngineer, Roles.Approver));
        var source = new { kind = "synthetic", parameters = new Dictionary<string, string> { ["count"] = "600", ["seed"] = "11" }, licence = "CC0-1.0", consent = "synthetic data", retention = "P7Y" };
        (await alice.PostAsJsonAsync("/api/datasets", new { name = "console-images", source })).EnsureSuccessStatusCode();
        using var started = await alice.PostAsJsonAsync("/api/runs", new { modelName = Model, datasetName = "console-images", policy = new { name = "console" } });
        started.EnsureSuccessStatusCode();
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(5))
        {
            var detail = await alice.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}");
            var run = detail.GetProperty("run");
            var (status, stage) = (run.GetProperty("status").GetString(), run.GetProperty("stage").GetString());
            if (stage == "awaiting-approval")
            {
                return runId;
            }

            if (status is "failed" or "cancelled" or "completed")
            {
                throw new InvalidOperationException($"run {runId} ended {status} at {stage} before asking for approval: {detail.GetProperty("failureReason")}");
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"run {runId} did not reach awaiting-approval within 5 minutes");
    }

    public async ValueTask DisposeAsync()
    {
        var loads = "    wall   server  browser\n" + string.Join("\n", Loads.OrderBy(l => l.Page, StringComparer.Ordinal)
            .Select(l => $"{l.Milliseconds,8:0.0} {l.Server,8:0.0} {l.Browser,8:0.0}  {l.Page}"));
        var summary = Loads.Count == 0 ? "no page was loaded"
            : $"{Loads.Count} page loads (ms): median {Median(Loads.Select(l => l.Milliseconds)):0.0} wall, {Median(Loads.Select(l => l.Server)):0.0} server, "
              + $"{Median(Loads.Select(l => l.Browser)):0.0} browser; slowest {Loads.Max(l => l.Milliseconds):0.0} ({Loads.MaxBy(l => l.Milliseconds).Page})";
        await File.WriteAllTextAsync(Path.Combine(Screenshots, "page-loads.txt"), loads + "\n" + summary + "\n");
        await System.Console.Error.WriteLineAsync($"console page loads (also in {Path.Combine(Screenshots, "page-loads.txt")}):\n{loads}\n{summary}");
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Service.DisposeAsync();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Api.Identity;
using Orchestrator.Client;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Security;

/// <summary>What every response carries and what the service logs about the requests it refuses.</summary>
public sealed partial class EdgeTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    public static TheoryData<string, string?> Responses => new()
    {
        { "/api/me", "auditor" },          // 200
        { "/api/me", null },               // 401
        { "/api/nothing-here", "auditor" }, // 404
        { "/api/runs?take=x%00", "auditor" }, // 400
        { "/healthz", null },
        { "/openapi/v1.json", null },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task EveryResponse_CarriesTheSecurityHeaders(string url, string? role)
    {
        using var client = role is null ? api.CreateClient() : api.ClientAs("hugo", role);

        using var response = await client.GetAsync(url, Token);

        Header(response, "X-Content-Type-Options").ShouldBe("nosniff");
        Header(response, "X-Frame-Options").ShouldBe("DENY");
        Header(response, "Referrer-Policy").ShouldBe("no-referrer");
        Header(response, "Content-Security-Policy").ShouldBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    }

    [Fact]
    public void Kestrel_SendsNoServerHeader()
    {
        api.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.AddServerHeader.ShouldBeFalse();
    }

    [Fact]
    public async Task Unauthenticated_Returns401WithWwwAuthenticateBearer()
    {
        using var anonymous = api.CreateClient();
        using var bad = api.CreateClient();
        bad.DefaultRequestHeaders.Authorization = new("Bearer", "not.a.token");

        using var none = await anonymous.GetAsync("/api/me", Token);
        using var invalid = await bad.GetAsync("/api/me", Token);

        (none.StatusCode, invalid.StatusCode).ShouldBe((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized));
        none.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
        invalid.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer error=\"invalid_token\"");
    }

    [Fact]
    public async Task Scalar_InDevelopment_GetsAPolicyItsPageWorksUnder()
    {
        using var development = api.WithWebHostBuilder(b => b.UseEnvironment("Development"));
        using var client = development.CreateClient();

        using var page = await client.GetAsync("/scalar", Token);
        var html = await page.Content.ReadAsStringAsync(Token);
        var scripts = ScriptSources().Matches(html).Select(m => m.Groups[1].Value).ToList();

        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var policy = Header(page, "Content-Security-Policy");
        policy.ShouldContain("script-src 'self' 'unsafe-inline'");
        policy.ShouldContain("connect-src 'self'");
        policy.ShouldContain("frame-ancestors 'none'");
        scripts.ShouldNotBeEmpty();
        foreach (var source in scripts)
        {
            // Same origin, which 'self' allows: nothing from a CDN the policy would block.
            Uri.TryCreate(source, UriKind.Relative, out _).ShouldBeTrue(source);
            using var script = await client.GetAsync(new Uri(new Uri("http://localhost/scalar/"), source), Token);
            script.StatusCode.ShouldBe(HttpStatusCode.OK, source);
        }

        html.ShouldNotContain("fonts.scalar.com");
    }

    [Fact]
    public async Task Readyz_WithAToken_NamesItsChecks()
    {
        using var client = api.ClientAs("olivia", Roles.Predictor);

        using var response = await client.GetAsync("/readyz", Token);

        (await ReadAsync(response)).GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString().ShouldBe("Healthy");
    }

    [Theory]
    [InlineData("Production", null, HttpStatusCode.NotFound)]
    [InlineData("Production", "true", HttpStatusCode.OK)]
    [InlineData("Testing", null, HttpStatusCode.OK)]
    [InlineData("Testing", "false", HttpStatusCode.NotFound)]
    public async Task OpenApi_PublishedOutsideProductionOrWhenSetToBe(string environment, string? setting, HttpStatusCode expected)
    {
        using var host = api.WithWebHostBuilder(b =>
        {
            b.UseEnvironment(environment);
            if (setting is not null)
            {
                b.UseSetting("Orchestrator:Api:PublishOpenApi", setting);
            }
        });
        using var client = host.CreateClient();

        using var response = await client.GetAsync("/openapi/v1.json", Token);

        response.StatusCode.ShouldBe(expected);
    }

    [Fact]
    public async Task MalformedBodies_LoggedAsOneInformationLineEachWithoutStackTracesAndRateLimited()
    {
        var logs = new CapturingLoggerProvider();
        using var host = api.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", api.Token("mallory", [Roles.Auditor]));

        for (var i = 0; i < 60; i++)
        {
            using var response = await client.PostAsync("/api/audit/verify", new StringContent("{\"streamId\":", Encoding.UTF8, "application/json"), Token);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        var entries = logs.Entries.ToList();
        entries.ShouldNotContain(e => e.Level >= LogLevel.Error, string.Join("\n", entries.Where(e => e.Level >= LogLevel.Error).Select(e => e.Message)));
        entries.ShouldNotContain(e => e.Exception != null && e.Level >= LogLevel.Information);
        var refused = entries.Where(e => e.Message.StartsWith("Refused a malformed request", StringComparison.Ordinal)).ToList();
        refused.Count.ShouldBe(20); // RequestLog.PerMinute: the other 40 are counted, not written
        refused.ShouldAllBe(e => e.Level == LogLevel.Information && e.Message.Contains("POST /api/audit/verify"));
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : "";

    [GeneratedRegex("<script[^>]*\\ssrc=\"([^\"]+)\"")]
    private static partial Regex ScriptSources();

    private sealed record Entry(LogLevel Level, string Category, string Message, Exception? Exception);

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<Entry> _entries = new();

        public IEnumerable<Entry> Entries => _entries;

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<Entry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    entries.Enqueue(new Entry(logLevel, category, formatter(state, exception), exception));
                }
            }
        }
    }
}

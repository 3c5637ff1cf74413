using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Orchestrator.Api.Errors;

namespace Orchestrator.Api.Http;

/// <summary>One identity's budget: a token bucket of <see cref="Burst"/> requests refilled at <see cref="PermitsPerMinute"/>.</summary>
public sealed class RateBudget
{
    /// <summary>Sustained requests per minute.</summary>
    public int PermitsPerMinute { get; set; }

    /// <summary>Requests that may come at once before the sustained rate applies.</summary>
    public int Burst { get; set; }
}

/// <summary>
/// Per-identity rate limits (section "Orchestrator:RateLimits"), partitioned by the token's <c>sub</c>: predict
/// (both predict endpoints and prediction feedback) and work (every other POST under /api: runs, cancellations,
/// approvals, model operations, datasets, audit verification and exports, and the console's forms under /console, which
/// do the same things) each have their own bucket per identity.
/// Reads are not limited. A refused request is 429 problem details with <c>Retry-After</c>.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "Orchestrator:RateLimits";

    /// <summary>Predict calls and feedback: 100 a second per identity, 200 at once.</summary>
    public RateBudget Predict { get; set; } = new() { PermitsPerMinute = 6000, Burst = 200 };

    /// <summary>Requests that start or record work: one a second per identity, 30 at once.</summary>
    public RateBudget Work { get; set; } = new() { PermitsPerMinute = 60, Burst = 30 };
}

/// <summary>Wires <see cref="RateLimitOptions"/> into ASP.NET Core's rate limiter.</summary>
public static class RateLimits
{
    /// <summary>The kind of request an endpoint is, for its budget; null when it is not limited.</summary>
    public static string? Kind(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method)
            || context.GetEndpoint() is not RouteEndpoint { RoutePattern.RawText: { } pattern }
            || !(pattern.TrimStart('/').StartsWith("api/", StringComparison.Ordinal) || pattern.TrimStart('/').StartsWith("console", StringComparison.Ordinal)))
        {
            return null;
        }

        return pattern.EndsWith("/predict", StringComparison.Ordinal) || pattern.EndsWith("/feedback", StringComparison.Ordinal) ? "predict" : "work";
    }

    public static IServiceCollection AddOrchestratorRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section))
            .Validate(o => Valid(o.Predict) && Valid(o.Work), $"{RateLimitOptions.Section}: every PermitsPerMinute and Burst must be at least 1.")
            .ValidateOnStart();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (Kind(context) is not { } kind)
                {
                    return RateLimitPartition.GetNoLimiter("unlimited");
                }

                var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                var budget = kind == "predict" ? options.Predict : options.Work;
                // Authorization ran first, so the caller is known; "sub" is checked to be plain text (BearerEvents).
                var caller = context.User.FindFirst("sub")?.Value ?? "anonymous";
                return RateLimitPartition.GetTokenBucketLimiter($"{kind}\n{caller}", _ => Bucket(budget));
            });
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                var context = rejected.HttpContext;
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await ProblemResults.WriteAsync(context, StatusCodes.Status429TooManyRequests, ProblemTypes.TooManyRequests, "Too many requests",
                    $"This identity's {Kind(context)} budget is spent; retry in {seconds} s.");
            };
        });
        return services;
    }

    private static bool Valid(RateBudget budget) => budget is { PermitsPerMinute: >= 1, Burst: >= 1 };

    /// <summary>A bucket refilled every second (or, below 60 a minute, one token at a time) at the budget's rate.</summary>
    private static TokenBucketRateLimiterOptions Bucket(RateBudget budget) => budget.PermitsPerMinute >= 60
        ? new() { TokenLimit = budget.Burst, TokensPerPeriod = (budget.PermitsPerMinute + 59) / 60, ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0, AutoReplenishment = true }
        : new() { TokenLimit = budget.Burst, TokensPerPeriod = 1, ReplenishmentPeriod = TimeSpan.FromMinutes(1) / budget.PermitsPerMinute, QueueLimit = 0, AutoReplenishment = true };
}

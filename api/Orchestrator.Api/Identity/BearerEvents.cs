using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Http;

namespace Orchestrator.Api.Identity;

/// <summary>
/// What the bearer scheme does beyond checking the signature, issuer, audience and lifetime: a token must name a
/// usable subject (the identity the ledger records) and roles that are plain text, and may not carry a <c>crit</c>
/// header (RFC 7515 §4.1.11: a recipient that does not understand every listed extension must refuse the token, and
/// this service understands none). Refusals are 401 problem details with <c>WWW-Authenticate: Bearer</c> (RFC 6750).
/// </summary>
public static class BearerEvents
{
    /// <summary>The longest accepted subject, in characters.</summary>
    public const int MaxSubjectLength = 256;

    public static JwtBearerEvents Create() => new()
    {
        OnTokenValidated = context =>
        {
            if (Refusal(context.SecurityToken as JsonWebToken, context.Principal) is { } refusal)
            {
                context.Fail(new SecurityTokenValidationException(refusal));
            }

            return Task.CompletedTask;
        },
        OnChallenge = async context =>
        {
            context.HandleResponse();
            var detail = context.AuthenticateFailure switch
            {
                SecurityTokenExpiredException => "The bearer token has expired.",
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The bearer token's signature is not valid.",
                SecurityTokenValidationException refused => "The bearer token is not usable: " + refused.Message,
                not null => "The bearer token is not valid.",
                null => "This endpoint needs a bearer token (Authorization: Bearer <token>).",
            };
            context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
            await ProblemResults.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, ProblemTypes.Unauthorized, "Unauthorized", detail);
        },
        OnForbidden = context => ProblemResults.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, ProblemTypes.Forbidden,
            "Forbidden", "Your roles do not allow this operation."),
    };

    /// <summary>Why a token whose signature and lifetime are valid is still refused, or null.</summary>
    public static string? Refusal(JsonWebToken? token, System.Security.Claims.ClaimsPrincipal? principal)
    {
        if (token is not null && token.TryGetHeaderValue<object>("crit", out _))
        {
            return "it has a 'crit' header naming extensions this service does not understand (RFC 7515).";
        }

        var subjects = principal?.FindAll("sub").Select(c => c.Value).ToList() ?? [];
        if (subjects is not [var subject])
        {
            return subjects.Count == 0 ? "it has no 'sub' claim." : "it has more than one 'sub' claim.";
        }

        if (string.IsNullOrWhiteSpace(subject) || subject.Length > MaxSubjectLength || !StorableText.IsPlain(subject) || subject.Trim().Length != subject.Length)
        {
            return $"its 'sub' claim must be 1-{MaxSubjectLength} characters of plain text without leading or trailing spaces.";
        }

        return principal!.FindAll("roles").Any(r => r.Value.Length > 100 || !StorableText.IsPlain(r.Value))
            ? "a 'roles' value is not plain text of at most 100 characters."
            : null;
    }
}

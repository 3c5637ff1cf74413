using System.CommandLine;
using Orchestrator.Cli.Client;
using Orchestrator.Cli.Commands;
using Orchestrator.Client;

namespace Orchestrator.Cli.Dev;

/// <summary>
/// `orchestrator dev token --user U --role R`: a development token signed with the checkout's key
/// (.local/dev-signing.key, the key the API uses in Development). Printed alone on its last line, so
/// `export ORCHESTRATOR_TOKEN=$(./orchestrator dev token ... | tail -1)` works.
/// </summary>
public static class TokenCommand
{
    public static Command Create()
    {
        var user = new Option<string>("--user") { Description = "The subject (user name).", Required = true };
        var roles = new Option<string[]>("--role") { Description = $"A role ({string.Join(", ", Roles.All)}); repeatable.", Required = true, AllowMultipleArgumentsPerToken = true };
        var minutes = new Option<int>("--minutes") { Description = "Lifetime in minutes.", DefaultValueFactory = _ => 480 };
        var keyPath = new Option<string?>("--key-path") { Description = "The signing key file (default: .local/dev-signing.key of this checkout)." };
        var issuer = new Option<string>("--issuer") { DefaultValueFactory = _ => DevelopmentTokens.DefaultIssuer, Description = "Token issuer." };
        var audience = new Option<string>("--audience") { DefaultValueFactory = _ => DevelopmentTokens.DefaultAudience, Description = "Token audience." };
        var command = new Command("token", "Mint a development token (local use only).") { user, roles, minutes, keyPath, issuer, audience };
        command.SetLocalAction((parse, output, _) =>
        {
            var subject = parse.GetValue(user)!;
            var granted = parse.GetValue(roles) ?? [];
            var unknown = granted.Where(r => !Roles.All.Contains(r)).ToList();
            if (subject.Length is 0 or > 200 || subject.Any(char.IsControl))
            {
                throw new CliException(ExitCodes.BadInput, "--user must be 1-200 characters without control characters");
            }

            if (unknown.Count > 0 || granted.Length == 0)
            {
                throw new CliException(ExitCodes.BadInput, $"unknown role '{string.Join(", ", unknown)}': use {string.Join(", ", Roles.All)}");
            }

            if (parse.GetValue(minutes) is < 1 or > 7 * 24 * 60)
            {
                throw new CliException(ExitCodes.BadInput, "--minutes must be between 1 and 10080");
            }

            var key = DevelopmentTokens.LoadOrCreateKey(parse.GetValue(keyPath) ?? DevelopmentTokens.DefaultKeyPath());
            var token = DevelopmentTokens.Mint(key, parse.GetValue(issuer)!, parse.GetValue(audience)!, subject, granted, TimeSpan.FromMinutes(parse.GetValue(minutes)));
            output.Line($"# development token for {subject} ({string.Join(", ", granted)}), valid {parse.GetValue(minutes)} minutes");
            output.Writer.WriteLine(token);
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}

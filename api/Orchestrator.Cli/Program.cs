using System.CommandLine;
using System.Reflection;
using Orchestrator.Cli.Commands;

return await Orchestrator.Cli.CliApp.RunAsync(args, CancellationToken.None);

namespace Orchestrator.Cli
{
    /// <summary>The command tree (tests invoke it in-process).</summary>
    public static class CliApp
    {
        /// <summary>Parses and runs; a parse error is one line on standard error and exit code 2.</summary>
        public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
        {
            var parse = Build().Parse(args);
            if (parse.Errors.Count > 0)
            {
                CliContext.Error.WriteLine($"orchestrator: {parse.Errors[0].Message} (try --help)");
                return Client.ExitCodes.BadInput;
            }

            return await parse.InvokeAsync(cancellationToken: cancellationToken);
        }

        public static RootCommand Build()
        {
            var root = new RootCommand("orchestrator: the command-line client of the governed ML pipeline orchestrator.");
            root.Options.Add(CliContext.Api);
            root.Options.Add(CliContext.Token);
            root.Options.Add(CliContext.Json);
            var version = typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            var versionCommand = new Command("version", "Print the client's version.");
            versionCommand.SetAction(_ => CliContext.Out.WriteLine($"orchestrator {version}"));
            root.Subcommands.Add(versionCommand);
            root.Subcommands.Add(RunsCommand.Create());
            root.Subcommands.Add(ApprovalsCommand.Create());
            root.Subcommands.Add(GoldAuditCommand.Create());
            root.Subcommands.Add(CanaryCommand.Create());
            root.Subcommands.Add(AuditCommand.Create());
            root.Subcommands.Add(ModelsCommand.Create());
            root.Subcommands.Add(BaseModelsCommand.Create());
            root.Subcommands.Add(ArtifactsCommand.Create());
            root.Subcommands.Add(PoliciesCommand.Create());
            root.Subcommands.Add(Dev.DevCommand.Create());
            root.Subcommands.Add(Demo.DemoCommand.Create());
            return root;
        }
    }
}

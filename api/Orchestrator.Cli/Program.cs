using System.CommandLine;
using System.Reflection;

// The command tree grows with the API issue (runs, approvals, audit, models, dev); for now the
// client answers --help and --version truthfully and says what is not there yet.
var root = new RootCommand("orchestrator: the command-line client of the governed ML pipeline orchestrator.");
var version = typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
var versionCommand = new Command("version", "Print the client's version.");
versionCommand.SetAction(_ => Console.WriteLine($"orchestrator {version}"));
root.Subcommands.Add(versionCommand);
root.Subcommands.Add(Orchestrator.Cli.Dev.DevCommand.Create());
return await root.Parse(args).InvokeAsync();

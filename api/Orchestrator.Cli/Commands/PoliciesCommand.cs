using System.CommandLine;
using System.Text.Json;
using Orchestrator.Cli.Client;
using Orchestrator.Contracts;
using Orchestrator.Workflows.Policies;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// `orchestrator policies validate FILE` and `orchestrator policies schema`: offline, with the validator and schema the
/// service loads its policies with (Orchestrator.Workflows.Policies, which brings no ML runtime and no database driver).
/// </summary>
public static class PoliciesCommand
{
    /// <summary>How many problems validate prints at most (the rest are counted).</summary>
    public const int Shown = 20;

    public static Command Create()
    {
        var policies = new Command("policies", "Governance policy documents: validate one before it is deployed, print the schema.");
        policies.Subcommands.Add(Validate());
        var schema = new Command("schema", "Print the JSON Schema of a policy document (what docs/policy.schema.json and GET /api/policies/schema hold).");
        schema.SetLocalAction((_, output, _) =>
        {
            output.Writer.Write(PolicySchema.Text);
            return Task.FromResult(ExitCodes.Ok);
        });
        policies.Subcommands.Add(schema);
        return policies;
    }

    private static Command Validate()
    {
        var file = CliContext.Arg("file", "The policy document (JSON).");
        var validate = new Command("validate",
            $"Validate a policy document as the service would load it: exit 0 and print its digest (what runs pin), or exit 2 and print the first {Shown} problems, one per line as FILE#/json/pointer: reason.")
            { file };
        validate.SetLocalAction(async (parse, output, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new CliException(ExitCodes.BadInput, $"no file at '{path}'");
            }

            var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            var validation = PolicyValidator.Validate(bytes);
            var digest = Digest.Of(bytes).ToString();
            if (output.Json)
            {
                output.Writer.WriteLine(JsonSerializer.Serialize(new
                {
                    file = path,
                    valid = validation.IsValid,
                    name = validation.Document?.Name,
                    version = validation.Document?.Version,
                    digest = validation.IsValid ? digest : null,
                    problems = validation.Problems.Select(p => new { pointer = p.Location, reason = p.Reason }),
                }));
            }
            else if (validation.IsValid)
            {
                output.Writer.WriteLine(digest);
            }
            else
            {
                foreach (var problem in validation.Problems.Take(Shown))
                {
                    output.Writer.WriteLine($"{path}{problem}");
                }

                if (validation.Problems.Count > Shown)
                {
                    output.Writer.WriteLine($"{path}: ... and {validation.Problems.Count - Shown} more problems");
                }
            }

            return validation.IsValid ? ExitCodes.Ok : ExitCodes.BadInput;
        });
        return validate;
    }
}

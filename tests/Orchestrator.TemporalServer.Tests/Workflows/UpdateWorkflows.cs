using Orchestrator.TemporalServer.Tests.Activities;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace Orchestrator.TemporalServer.Tests.Workflows;

/// <summary>
/// A gate that collects approvals through an update with a validator (Temporal's pattern for human gates):
/// the validator refuses empty and repeated approvers without touching history, the handler records the
/// approver through an activity and answers how many approvals there are; the gate closes at a quorum.
/// </summary>
[Workflow]
public sealed class ApprovalGateWorkflow
{
    private readonly List<string> approvers = [];

    [WorkflowRun]
    public async Task<string> RunAsync(int quorum)
    {
        await Workflow.WaitConditionAsync(() => approvers.Count >= quorum);
        await Workflow.WaitConditionAsync(() => Workflow.AllHandlersFinished);
        return string.Join(",", approvers);
    }

    [WorkflowUpdateValidator(nameof(ApproveAsync))]
    public void ValidateApprove(string approver)
    {
        if (string.IsNullOrEmpty(approver) || approvers.Contains(approver))
        {
            throw new ApplicationFailureException($"'{approver}' may not approve (empty or already approved)", errorType: "Refused");
        }
    }

    [WorkflowUpdate]
    public async Task<int> ApproveAsync(string approver)
    {
        if (approver == "fail")
        {
            throw new ApplicationFailureException("the handler failed", errorType: "HandlerFailed");
        }

        approvers.Add(approver);
        await Workflow.ExecuteActivityAsync((ConformanceActivities a) => a.Greet(approver),
            new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(10) });
        return approvers.Count;
    }

    [WorkflowQuery]
    public IReadOnlyList<string> Approvers => approvers;
}

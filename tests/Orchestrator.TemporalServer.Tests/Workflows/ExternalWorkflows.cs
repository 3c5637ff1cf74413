using Temporalio.Workflows;

namespace Orchestrator.TemporalServer.Tests.Workflows;

/// <summary>Signals or cancels another workflow by id, from workflow code.</summary>
[Workflow]
public sealed class ExternalWorkflow
{
    [WorkflowQuery]
    public string Target { get; private set; } = "";

    [WorkflowRun]
    public async Task<string> RunAsync(string targetId, bool cancel)
    {
        Target = targetId;
        var target = Workflow.GetExternalWorkflowHandle<WaitingWorkflow>(targetId);
        if (cancel)
        {
            await target.CancelAsync();
            return "cancel requested";
        }

        await target.SignalAsync(wf => wf.SetAsync($"from {Workflow.Info.WorkflowId}"));
        return "signalled";
    }
}

/// <summary>Starts a child that waits forever, then waits itself (to test parent close policies).</summary>
[Workflow]
public sealed class AbandoningParentWorkflow
{
    [WorkflowQuery]
    public string ChildId { get; private set; } = "";

    [WorkflowRun]
    public async Task RunAsync(string childId)
    {
        await Workflow.StartChildWorkflowAsync((WaitingWorkflow wf) => wf.RunAsync(), new ChildWorkflowOptions { Id = childId });
        ChildId = childId;
        await Workflow.WaitConditionAsync(() => false);
    }
}

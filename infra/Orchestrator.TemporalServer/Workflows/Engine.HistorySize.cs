using Orchestrator.TemporalServer.Workflows;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;

namespace Orchestrator.TemporalServer;

/// <summary>What a starting workflow task tells the worker about the size of its history.</summary>
internal sealed partial class Engine
{
    /// <summary>Temporal's default thresholds (limit.historyCount/historySize.suggestContinueAsNew).</summary>
    private const int SuggestContinueAsNewEvents = 4 * 1024;
    private const long SuggestContinueAsNewBytes = 4L * 1024 * 1024;

    private static void SuggestContinueAsNew(WorkflowRun run, WorkflowTaskStartedEventAttributes started)
    {
        if (run.History.Count + 1 >= SuggestContinueAsNewEvents)
        {
            started.SuggestContinueAsNewReasons.Add(SuggestContinueAsNewReason.TooManyHistoryEvents);
        }

        if (run.HistorySizeBytes >= SuggestContinueAsNewBytes)
        {
            started.SuggestContinueAsNewReasons.Add(SuggestContinueAsNewReason.HistorySizeTooLarge);
        }

        started.SuggestContinueAsNew = started.SuggestContinueAsNewReasons.Count > 0;
    }
}

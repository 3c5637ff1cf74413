namespace Orchestrator.Audit.Events;

/// <summary>One person (or service) who shaped a run, and how: a value inside RunContributorsRecorded.</summary>
/// <param name="Identity">The verified identity.</param>
/// <param name="Contribution">requester, dataset-registrant, label-submitter or retrain-starter.</param>
/// <param name="Detail">What they contributed (the dataset's name, the label file, the base checkpoint), when there is more to say.</param>
public sealed record RunContribution(string Identity, string Contribution, string? Detail);

using System;

namespace Dialog360.MM.Core.Campaigns;

/// <summary>One finished recipient, handed back to the pipeline thread: the result and, when it failed, why.</summary>
public sealed class CampaignOutcome
{
    public CampaignOutcome(MMSendResult result, Exception? error, string input)
    {
        Result = result;
        Error = error;
        Input = input;
    }

    public MMSendResult Result { get; }
    /// <summary>ApiException, ApiTransportException or OperationCanceledException; null when accepted.</summary>
    public Exception? Error { get; }
    /// <summary>The recipient as given (before normalising), the error record's target.</summary>
    public string Input { get; }
}

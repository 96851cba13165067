using System;

namespace Dialog360.MM.Core.Campaigns;

/// <summary>One finished recipient, handed back to the pipeline thread: the result and, when it failed, why.</summary>
internal sealed class CampaignOutcome
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

    /// <summary>
    /// A refused key, a business without the MM terms, or a refusal the catalog says every send would get (a max-price
    /// template on Cloud API) fails every recipient alike: the run stops at the first such refusal instead of repeating
    /// it for everyone (the results of what was already on the wire are still written).
    /// </summary>
    public bool StopsTheRun => Error is Api.ApiException { Kind: Api.ApiErrorKind.Authentication or Api.ApiErrorKind.NotOnboarded or Api.ApiErrorKind.Redirect } or
        Api.ApiException { Info.EveryRecipient: true };
}

/// <summary>
/// The request may have reached the API, but no clear answer came back (a 500/502/504, a timeout or a broken
/// connection after the body left, a 2xx without a message id): reported Unknown and never resent on our own.
/// </summary>
public sealed class SendInDoubtException : Exception
{
    public SendInDoubtException(string to, Exception cause)
        : base($"{to}: the API may have accepted this message, but gave no clear answer ({cause.Message}). Not resent, so nobody gets it twice.", cause)
    {
    }
}

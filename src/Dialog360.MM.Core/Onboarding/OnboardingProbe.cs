using System;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Messages;

namespace Dialog360.MM.Core.Onboarding;

/// <summary>
/// Tells whether a client key's business accepted the Marketing Messages terms.
/// No documented read exposes this to a client key: Meta's field marketing_messages_onboarding_status is read with a
/// Graph token, and 360dialog reports onboarding to partners by webhook (360dialog, "Onboarding and Sending Messages",
/// Onboarding Confirmation). So the probe asks the MM route itself with a template that cannot exist: a business without
/// the terms is refused with "(#200) You must accept the Marketing Messages Lite API terms" (360dialog's expected-errors
/// page for the route, docs/reference/mm-api.md), an onboarded one gets 132001 (template does not exist). Either way
/// nothing can be delivered, as there is no such template.
/// </summary>
public static class OnboardingProbe
{
    /// <summary>Template names are lower-case letters, digits and underscores; this one is never created.</summary>
    public const string ProbeTemplate = "dialog360_mm_onboarding_probe_0";

    /// <summary>A number reserved for fiction (+1 555 555 0100), so even a wrong answer reaches nobody.</summary>
    public const string ProbeRecipient = "15555550100";

    public const string FixNotOnboarded =
        "An admin of the Business Manager (Business Portfolio) accepts the Marketing Messages terms: in the 360dialog Client Hub " +
        "(the 'Accept MM API terms' banner) or in WhatsApp Manager (Alerts: 'Accept terms to get started'). The acceptance covers " +
        "every WABA of that Business Manager; a client with several Business Managers repeats it for each.";

    public static async Task<MMOnboardingStatus> CheckAsync(ApiClient client, string account, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        var status = new MMOnboardingStatus { Account = account, CheckedAt = (time ?? TimeProvider.System).GetLocalNow() };
        try
        {
            await client.SendTemplateAsync(new TemplateMessage(ProbeRecipient, ProbeTemplate), SendRoute.MarketingMessages, cancellationToken)
                .ConfigureAwait(false);
            status.Status = OnboardingState.Onboarded;
            status.Reason = "The MM route accepted a request.";
        }
        catch (ApiException ex)
        {
            Classify(ex, status);
        }
        catch (ApiTransportException ex)
        {
            status.Status = OnboardingState.Unknown;
            status.Reason = ex.Message;
            status.FixHint = "Check the network path to the API, then try again.";
        }
        return status;
    }

    public static void Classify(ApiException ex, MMOnboardingStatus status)
    {
        status.Reason = ex.Describe();
        switch (ex.Kind)
        {
            case ApiErrorKind.NotOnboarded:
                status.Status = OnboardingState.NotOnboarded;
                status.FixHint = FixNotOnboarded;
                return;
            case ApiErrorKind.Authentication:
                status.Status = OnboardingState.KeyInvalid;
                status.FixHint = "The API key was refused: check it in the 360dialog Client Hub and connect again with Connect-MMAccount.";
                return;
        }
        switch (ex.Code)
        {
            // The request passed the terms check and failed only on the template that does not exist.
            case 132001 or 132000:
                status.Status = OnboardingState.Onboarded;
                status.Reason = "The MM route took the request as far as the template check.";
                return;
            // Meta's eligibility: the WABA is active and not restricted (account locked, policy block, payment issue).
            case 131031 or 368 or 131042:
                status.Status = OnboardingState.Ineligible;
                status.FixHint = ex.Hint + " Meta's MM eligibility: the WABA is active and not restricted, and neither its tax country nor the business's country is sanctioned.";
                return;
        }
        status.Status = OnboardingState.Unknown;
        status.FixHint = ex.Hint ?? "Read the API's answer in Reason; contact 360dialog support if it persists.";
    }
}

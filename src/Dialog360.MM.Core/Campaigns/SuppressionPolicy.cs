using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.People;
using Dialog360.MM.Core.State;

namespace Dialog360.MM.Core.Campaigns;

/// <summary>
/// Which sends the suppression list holds back, and what a refusal teaches it. The list is about marketing: every send
/// on the Marketing Messages route, and on the Cloud API route a template the check found to be MARKETING (or could not
/// tell, when the check is skipped). A refusal whose code the error catalog marks <see cref="ApiErrorInfo.OptsOut"/>
/// (131050: the person stopped marketing messages) puts the number on the list for every later run.
/// </summary>
internal static class SuppressionPolicy
{
    /// <param name="category">The template's category from the pre-send check; null when the check was skipped.</param>
    public static bool HoldsBack(SendRoute route, string? category) =>
        route == SendRoute.MarketingMessages || category is null ||
        string.Equals(category, "MARKETING", System.StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A send the API refused because the person stopped marketing messages, as an add with source
    /// "Send-MarketingMessage &lt;template&gt;" and the time of the result; also a rerun's Skipped result that the
    /// journal's earlier refusal settled. Null for any other result.
    /// </summary>
    /// <exception cref="MessageValidationException">The result's number is not an international number.</exception>
    public static SuppressionEntry? Learned(MMSendResult result) =>
        result.Status is SendStatus.Failed or SendStatus.Skipped && ApiErrorCatalog.Lookup(result.ErrorCode)?.OptsOut == true
            ? new SuppressionEntry(SuppressionAction.Add, new Person(result.To, result.UserId), result.ErrorCode, "Send-MarketingMessage " + result.TemplateName, result.SentAt)
            : null;
}


namespace Dialog360.MM.Emulator;

/// <summary>
/// Meta's Graph error object, answered in the shape each route uses: 360dialog's MM route wraps it as
/// {"detail":{"error":{…}}} (360dialog "expected errors" page), the Cloud API route passes Meta's {"error":{…}} through.
/// </summary>
internal static class GraphError
{
    public static EmulatorAnswer Answer(bool marketingRoute, int code, string message, string? details, int httpStatus = 400)
    {
        return EmulatorAnswer.Json(httpStatus, w =>
        {
            w.WriteStartObject();
            if (marketingRoute) w.WriteStartObject("detail");
            w.WriteStartObject("error");
            w.WriteString("message", message);
            w.WriteString("type", "OAuthException");
            w.WriteNumber("code", code);
            if (details != null)
            {
                w.WriteStartObject("error_data");
                w.WriteString("messaging_product", "whatsapp");
                w.WriteString("details", details);
                w.WriteEndObject();
            }
            w.WriteString("fbtrace_id", "AemulatorTrace");
            w.WriteEndObject();
            if (marketingRoute) w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary>Messages for codes the emulator can be told to fail a recipient with (EmulatorOptions.FailRecipients).</summary>
    public static string MessageFor(int code) => code switch
    {
        131026 => "(#131026) Message Undeliverable.",
        131049 => "(#131049) This message was not delivered to maintain healthy ecosystem engagement.",
        131050 => "(#131050) Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.",
        131056 => "(#131056) (Business Account, Consumer Account) pair rate limit hit",
        131062 => "(#131062) BSUID recipients are not supported for this message",
        // The emulator's wording: Meta's max-price page names the code, not its message.
        131061 => "(#131061) Templates with a max price are not supported on Cloud API",
        130429 => "(#130429) Rate limit hit",
        131000 => "(#131000) Something went wrong",
        134102 => "(#134102) Template unavailable",
        _ => $"(#{code}) Error",
    };

    /// <summary>error_data.details for a failed recipient, where Meta gives one.</summary>
    public static string? DetailsFor(int code) => code switch
    {
        134102 => "The template is unavailable for use, or the business is not eligible for the Marketing Messages API.",
        131062 => "Business-scoped user IDs cannot receive authentication templates with one-tap, zero-tap or copy-code buttons; send to the phone number.",
        131061 => "This template has a max price (optimization_spec): send it through the Marketing Messages API.",
        _ => null,
    };

    /// <summary>
    /// The HTTP status Meta answers a code with: 134102 and 131000 come as 500 (docs/reference/mm-api.md, "More error
    /// codes for the MM route"), rate limits as 429, 131016 as 503, everything else as 400.
    /// </summary>
    public static int HttpStatusFor(int code) => code switch
    {
        134102 or 131000 => 500,
        130429 or 131056 => 429,
        131016 => 503,
        _ => 400,
    };
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Dialog360.MM.Core.Messages;

/// <summary>
/// A marketing template message, validated on construction so that nothing half-built is ever sent.
/// Its JSON is schema MarketingMessageRequestPayload of Meta's OpenAPI file (tests/fixtures/meta-openapi). No time-to-live: Meta sets
/// message_send_ttl_seconds on the template ("Configure message time-to-live": POST …/message_templates), the v23 send
/// schema allows no such property, and 360dialog's MM send page lists none (see New-MMTemplate -TimeToLive). A person known
/// only by a BSUID is addressed with a top-level <c>recipient</c> instead of <c>to</c> (Meta, "Business-scoped user IDs",
/// 2026: both routes take it; not yet in the v23 schema). A bid multiplier goes in bid_spec (Meta, "Set a max price for
/// marketing messages", 2026; <see cref="BidSpec"/>), likewise newer than the v23 schema.
/// </summary>
public sealed class TemplateMessage
{
    // Meta: template names are lower-case letters, digits and underscores, at most 512 characters.
    private static readonly Regex TemplateNamePattern = new(@"^[a-z0-9_]{1,512}\z", RegexOptions.CultureInvariant);
    // Language codes as WhatsApp lists them: "en", "en_US", "fil", "zh_CN".
    private static readonly Regex LanguagePattern = new(@"^[a-z]{2,3}(_[A-Z]{2})?\z", RegexOptions.CultureInvariant);

    /// <summary>biz_opaque_callback_data: at most 512 characters (Meta's messages reference).</summary>
    public const int MaxCallbackDataLength = 512;

    public TemplateMessage(string to, string templateName, string languageCode = "en",
        IReadOnlyList<TemplateParameter>? bodyParameters = null, bool activitySharing = false,
        IReadOnlyList<TemplateParameter>? headerParameters = null, IReadOnlyList<TemplateButton>? buttons = null,
        IReadOnlyList<string>? rawComponents = null, ProductPolicy? productPolicy = null, string? callbackData = null)
        : this(PhoneNumber.Normalize(to), null, new MessageContent
        {
            TemplateName = templateName, LanguageCode = languageCode, BodyParameters = bodyParameters, ActivitySharing = activitySharing,
            HeaderParameters = headerParameters, Buttons = buttons, RawComponents = rawComponents, ProductPolicy = productPolicy,
            CallbackData = callbackData,
        })
    {
    }

    /// <summary>
    /// A message to a person known by a number (digits, international), a business-scoped user ID, or both: it goes to
    /// the number when there is one, and to the BSUID as <c>recipient</c> otherwise, never as <c>to</c> (WhatsApp
    /// drops a BSUID put there, with HTTP 200).
    /// </summary>
    /// <exception cref="MessageValidationException">Neither is given, or either is not what it says.</exception>
    public TemplateMessage(string? to, string? userId, MessageContent content)
    {
        if (string.IsNullOrEmpty(to) && string.IsNullOrEmpty(userId)) PhoneNumber.Normalize(to); // the empty-recipient error
        To = string.IsNullOrEmpty(to) ? null : PhoneNumber.Normalize(to);
        UserId = string.IsNullOrEmpty(userId) ? null : Messages.UserId.Validate(userId);
        TemplateName = ValidateTemplateName(content.TemplateName);
        LanguageCode = ValidateLanguage(content.LanguageCode);
        BodyParameters = content.BodyParameters ?? Array.Empty<TemplateParameter>();
        HeaderParameters = content.HeaderParameters ?? Array.Empty<TemplateParameter>();
        Buttons = content.Buttons ?? Array.Empty<TemplateButton>();
        RawComponents = content.RawComponents ?? Array.Empty<string>();
        ActivitySharing = content.ActivitySharing;
        ProductPolicy = content.ProductPolicy;
        CallbackData = ValidateCallbackData(content.CallbackData);
        BidMultiplier = content.BidMultiplier is decimal multiplier ? BidSpec.Validate(multiplier) : null;
    }

    /// <summary>The number, digits only, international format; null for a message to a BSUID only.</summary>
    public string? To { get; }

    /// <summary>The person's business-scoped user ID, when known: the send's <c>recipient</c> when there is no number.</summary>
    public string? UserId { get; }

    /// <summary>Where the message goes: the number, else the BSUID.</summary>
    public string Address => To ?? UserId!;
    public string TemplateName { get; }
    public string LanguageCode { get; }
    public IReadOnlyList<TemplateParameter> BodyParameters { get; }
    public IReadOnlyList<TemplateParameter> HeaderParameters { get; }
    public IReadOnlyList<TemplateButton> Buttons { get; }
    /// <summary>Components given as JSON objects (carousel, limited-time offer, …), written as they are.</summary>
    public IReadOnlyList<string> RawComponents { get; }
    public bool ActivitySharing { get; }
    public ProductPolicy? ProductPolicy { get; }
    public string? CallbackData { get; }
    /// <summary>bid_spec.per_message_bid_multiplier, or null for the template's max price as it is.</summary>
    public decimal? BidMultiplier { get; }

    public static string? ValidateCallbackData(string? value, string field = "CallbackData")
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (value!.Length > MaxCallbackDataLength)
            throw new MessageValidationException(field, ValidationReason.CallbackDataTooLong,
                $"{field} has {value.Length} characters: the API takes at most {MaxCallbackDataLength}. Use a short campaign tag, e.g. spring-2026.");
        return value;
    }

    public static string ValidateTemplateName(string? name, string field = "TemplateName")
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new MessageValidationException(field, ValidationReason.MissingTemplateName,
                $"{field} is empty: give the name of an approved marketing template, e.g. -{field} spring_sale.");
        if (!TemplateNamePattern.IsMatch(name))
            throw new MessageValidationException(field, ValidationReason.InvalidTemplateName,
                $"{field} '{name}' is not a template name: names are lower-case letters, digits and underscores (e.g. spring_sale).");
        return name!;
    }

    public static string ValidateLanguage(string? code, string field = "LanguageCode")
    {
        if (string.IsNullOrWhiteSpace(code) || !LanguagePattern.IsMatch(code))
            throw new MessageValidationException(field, ValidationReason.InvalidLanguageCode,
                $"{field} '{code}' is not a WhatsApp language code: use the template's code, e.g. en, en_US or pt_BR.");
        return code!;
    }

    // Relaxed escaping keeps names and parameters readable (é, +) in -Verbose and the emulator's records;
    // the body is JSON for an API, never HTML, so the stricter default buys nothing.
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void WriteTo(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("messaging_product", "whatsapp");
        w.WriteString("recipient_type", "individual");
        if (To != null) w.WriteString("to", To);
        else w.WriteString("recipient", UserId);
        w.WriteString("type", "template");
        w.WriteStartObject("template");
        w.WriteString("name", TemplateName);
        w.WriteStartObject("language");
        w.WriteString("code", LanguageCode);
        w.WriteString("policy", "deterministic");
        w.WriteEndObject();
        if (HeaderParameters.Count + BodyParameters.Count + Buttons.Count + RawComponents.Count > 0)
        {
            w.WriteStartArray("components");
            WriteComponent(w, "header", HeaderParameters);
            WriteComponent(w, "body", BodyParameters);
            foreach (var b in Buttons) b.WriteTo(w);
            foreach (var raw in RawComponents) w.WriteRawValue(raw);
            w.WriteEndArray();
        }
        w.WriteEndObject();
        if (ProductPolicy is ProductPolicy policy)
            w.WriteString("product_policy", policy == Messages.ProductPolicy.Strict ? "STRICT" : "CLOUD_API_FALLBACK");
        if (ActivitySharing) w.WriteBoolean("message_activity_sharing", true);
        if (CallbackData != null) w.WriteString("biz_opaque_callback_data", CallbackData);
        if (BidMultiplier is decimal multiplier)
        {
            w.WriteStartObject("bid_spec");
            w.WriteString("per_message_bid_multiplier", BidSpec.ToText(multiplier));
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void WriteComponent(Utf8JsonWriter w, string type, IReadOnlyList<TemplateParameter> parameters)
    {
        if (parameters.Count == 0) return;
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteStartArray("parameters");
        foreach (var p in parameters) p.WriteTo(w);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public byte[] ToJsonUtf8()
    {
        using var stream = new MemoryStream(256);
        using (var writer = new Utf8JsonWriter(stream, WriterOptions)) WriteTo(writer);
        return stream.ToArray();
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Dialog360.MM.Emulator.Webhooks;

namespace Dialog360.MM.Emulator;

// POST /marketing_messages and POST /messages: validates a template send the way the API does and answers
// MarketingMessageResponsePayload (Meta's OpenAPI file) or a Graph error in the route's shape.
public sealed partial class MarketingApiEmulator
{
    // MarketingMessageRequestPayload has additionalProperties: false. message_send_ttl_seconds is documented by
    // 360dialog's MM page and Meta's TTL page, biz_opaque_callback_data (≤ 512 characters) by Meta's messages reference
    // and by MM API proxies' send schemas (e.g. Kapso's /marketing_messages), though the v23 schema lacks both;
    // recipient (a BSUID, instead of to) by Meta's "Business-scoped user IDs" for both send routes; bid_spec (a per-message
    // multiplier of the template's max price) by Meta's and 360dialog's max-price pages.
    internal static readonly HashSet<string> AllowedTopLevel = new(StringComparer.Ordinal)
    {
        "messaging_product", "recipient_type", "to", "recipient", "type", "template", "product_policy",
        "message_activity_sharing", "message_send_ttl_seconds", "biz_opaque_callback_data", "bid_spec",
    };

    private long _messageSequence;

    /// <summary>Checks a send as the API does, in the API's order; then answers it, or with a fault.</summary>
    private EmulatorAnswer HandleSend(string body, bool marketingRoute)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(body); }
        catch (JsonException ex)
        {
            return Invalid(marketingRoute, "(#100) Invalid parameter", "The request body is not valid JSON: " + ex.Message);
        }

        using (doc)
        {
            var root = doc.RootElement;
            var refusal = CheckEnvelope(root, marketingRoute) ?? CheckTemplate(root, marketingRoute) ?? CheckOptions(root, marketingRoute) ??
                CheckAgainstAccount(root.GetProperty("template"), marketingRoute);
            if (refusal != null) return refusal;

            // "to" wins over "recipient" when both are given (Meta).
            var to = Text(root, "to");
            // WhatsApp reads "to" as a number: a BSUID there is answered 200 with a message id and then silently dropped
            // (chatwoot 15150). The emulator sends no webhook at all for it, not even a failed status, and counts it
            // for nobody, so a test sees exactly what a sender would: an id that never gets a status.
            if (to != null && IsUserId(to)) return SilentDrop(to);

            var byUserId = to is null;
            var input = to ?? Text(root, "recipient")!;
            var person = byUserId ? _people.ForUserId(input) : _people.ForPhone(input);

            // A number names the person however they are addressed; a BSUID only the sends addressed to it (so 131062,
            // BSUID recipients not supported, can be given to the BSUID while sends to the number go through).
            if (_options.FailRecipients.TryGetValue(input, out var failCode) ||
                (person.Phone != null && _options.FailRecipients.TryGetValue(person.Phone, out failCode)))
                return GraphError.Answer(marketingRoute, failCode, GraphError.MessageFor(failCode), GraphError.DetailsFor(failCode),
                    GraphError.HttpStatusFor(failCode));
            // Meta refuses a BSUID recipient for authentication templates with one-tap, zero-tap or copy-code buttons;
            // the emulator's templates have no buttons, so it refuses every authentication template sent to a BSUID.
            if (byUserId && SentTemplate(root)?.Category == "AUTHENTICATION")
                return GraphError.Answer(marketingRoute, 131062, GraphError.MessageFor(131062), GraphError.DetailsFor(131062));
            // Someone who stopped marketing messages (a user_preferences stop this emulator sent) is refused from then on.
            if (_optedOut.ContainsKey(person.Key))
                return GraphError.Answer(marketingRoute, 131050, GraphError.MessageFor(131050), null);

            var send = new AcceptedSend
            {
                Person = person,
                Input = input,
                ByUserId = byUserId,
                MarketingRoute = marketingRoute,
                CloudApiFallback = Text(root, "product_policy") == "CLOUD_API_FALLBACK",
                ActivitySharing = root.TryGetProperty("message_activity_sharing", out var sharing) && sharing.ValueKind == JsonValueKind.True,
                CallbackData = Text(root, "biz_opaque_callback_data"),
                MaxPrice = MaxPriceOf(SentTemplate(root), BidMultiplier(root)),
                Currency = _options.Currency,
                TemplateId = SentTemplate(root)?.Id,
            };
            return Accept(send, NextFault(person));
        }
    }

    /// <summary>The answer to a BSUID in "to": an accepted send's, echoing what was sent as input and wa_id, and nothing after.</summary>
    private EmulatorAnswer SilentDrop(string to)
    {
        var id = NextMessageId();
        var answer = EmulatorAnswer.Json(200, w => WriteAccepted(w, to, to, null, id, "accepted"));
        answer.SilentlyDropped = true;
        return answer;
    }

    private string NextMessageId() => "wamid.EMU" + Interlocked.Increment(ref _messageSequence).ToString("D12");

    /// <summary>A BSUID exactly as WhatsApp writes it (Core's pattern, and no blanks around it: the API does not trim).</summary>
    private static bool IsUserId(string text) => Core.Messages.UserId.IsUserId(text) && text.Trim().Length == text.Length;

    /// <summary>The known template a checked send names.</summary>
    private EmulatorTemplate? SentTemplate(JsonElement root)
    {
        var template = root.GetProperty("template");
        return FindTemplate(Text(template, "name")!, Text(template.GetProperty("language"), "code")!);
    }

    /// <summary>
    /// The body's shape: an object with only known keys, whatsapp, an individual, a dialable number in "to" (or a BSUID,
    /// which is dropped later) or a BSUID in "recipient", a template.
    /// </summary>
    private static EmulatorAnswer? CheckEnvelope(JsonElement root, bool marketingRoute)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return Invalid(marketingRoute, "(#100) Invalid parameter", "The request body must be a JSON object.");

        if (marketingRoute)
        {
            foreach (var property in root.EnumerateObject())
                if (!AllowedTopLevel.Contains(property.Name))
                    return Invalid(true, $"(#100) Param {property.Name} is not a valid parameter",
                        $"Unexpected key \"{property.Name}\" on param \"marketing_messages\".");
        }

        if (Text(root, "messaging_product") != "whatsapp")
            return Invalid(marketingRoute, "(#100) The parameter messaging_product is required.", "messaging_product must be \"whatsapp\".");
        if (root.TryGetProperty("recipient_type", out var rt) && Text(root, "recipient_type") != "individual")
            return Invalid(marketingRoute, "(#100) Invalid parameter", "recipient_type must be \"individual\".");
        else if (marketingRoute && rt.ValueKind == JsonValueKind.Undefined)
            return Invalid(true, "(#100) The parameter recipient_type is required.", null);

        if (root.TryGetProperty("to", out _))
        {
            var to = Text(root, "to");
            if (string.IsNullOrEmpty(to))
                return Invalid(marketingRoute, "(#100) The parameter to is required.", null);
            if (!IsUserId(to!) && (to!.Length < 7 || to.Length > 15 || to.Any(c => c < '0' || c > '9')))
                return Invalid(marketingRoute, "(#100) Invalid parameter", $"Parameter 'to' is not a valid phone number: {to}");
        }
        else if (root.TryGetProperty("recipient", out _))
        {
            var recipient = Text(root, "recipient");
            if (recipient is null || !IsUserId(recipient))
                return Invalid(marketingRoute, "(#100) Invalid parameter",
                    $"Parameter 'recipient' is not a business-scoped user ID (two capital letters, a dot and 1-128 letters or digits, e.g. US.13491208655302741918): {recipient}");
        }
        else
            return Invalid(marketingRoute, "(#100) The parameter to is required.",
                "Give to (the recipient's phone number) or recipient (their business-scoped user ID).");

        if (Text(root, "type") != "template")
            return marketingRoute
                ? Invalid(true, "(#100) Message must be a template message", "Only template messages can be sent on this route.")
                : Invalid(false, "(#100) Invalid parameter", "This emulator's /messages route takes template messages only.");
        return null;
    }

    /// <summary>The template object: a name, and a language code (deterministic on the MM route).</summary>
    private static EmulatorAnswer? CheckTemplate(JsonElement root, bool marketingRoute)
    {
        if (!root.TryGetProperty("template", out var template) || template.ValueKind != JsonValueKind.Object)
            return Invalid(marketingRoute, "(#100) The parameter template is required.", null);
        var name = Text(template, "name");
        if (string.IsNullOrEmpty(name))
            return Invalid(marketingRoute, "(#100) The parameter template['name'] is required.", null);
        if (!template.TryGetProperty("language", out var language) || Text(language, "code") is not { Length: > 0 } code)
            return Invalid(marketingRoute, "(#100) The parameter template['language']['code'] is required.", null);
        if (marketingRoute && Text(language, "policy") != "deterministic")
            return Invalid(true, "(#100) Invalid parameter", "template.language.policy must be \"deterministic\".");
        return null;
    }

    /// <summary>What the account decides: onboarded, the template approved and marketing, its parameters all given.</summary>
    private EmulatorAnswer? CheckAgainstAccount(JsonElement template, bool marketingRoute)
    {
        // 360dialog's expected-errors page for the MM route: the terms error carries code 131055.
        if (marketingRoute && _options.NotOnboarded)
            return GraphError.Answer(true, 131055,
                "(#200) You must accept the Marketing Messages Lite API terms to use the API.",
                "An admin of the Business Manager must accept the Marketing Messages Lite API terms.");

        var name = Text(template, "name")!;
        var code = Text(template.GetProperty("language"), "code")!;
        var known = FindTemplate(name, code);
        if (known is null || known.Status != "approved")
            return GraphError.Answer(marketingRoute, 132001, "(#132001) Template name does not exist in the translation",
                $"template name ({name}) does not exist in {code}");
        if (marketingRoute && known.Category != "MARKETING")
            return GraphError.Answer(true, 131055, "(#131055) Method not allowed",
                $"Only marketing templates can be sent with the Marketing Messages API; {name} is {known.Category}.");
        // A template with a max price goes through the Marketing Messages API only (Meta, 360dialog: 131061 on Cloud API).
        if (!marketingRoute && known.BidAmount != null)
            return GraphError.Answer(false, 131061, GraphError.MessageFor(131061), GraphError.DetailsFor(131061));

        var given = CountBodyParameters(template);
        if (given != known.BodyParameterCount)
            return GraphError.Answer(marketingRoute, 132000, "(#132000) Number of parameters does not match the expected number of params",
                $"body: number of localizable_params ({given}) does not match the expected number of params ({known.BodyParameterCount})");
        return null;
    }

    /// <summary>The optional fields: time to live, activity sharing, product policy, callback data, bid multiplier.</summary>
    private static EmulatorAnswer? CheckOptions(JsonElement root, bool marketingRoute)
    {
        if (root.TryGetProperty("message_send_ttl_seconds", out var ttl) &&
            (ttl.ValueKind != JsonValueKind.Number || !ttl.TryGetInt32(out var seconds) || seconds < 43_200 || seconds > 2_592_000))
            return Invalid(marketingRoute, "(#100) Invalid parameter",
                "message_send_ttl_seconds must be a whole number from 43200 (12 hours) to 2592000 (30 days) for marketing templates.");
        if (root.TryGetProperty("message_activity_sharing", out var sharing) &&
            sharing.ValueKind != JsonValueKind.True && sharing.ValueKind != JsonValueKind.False)
            return Invalid(marketingRoute, "(#100) Invalid parameter", "message_activity_sharing must be a boolean.");
        if (root.TryGetProperty("product_policy", out _) && Text(root, "product_policy") is not ("CLOUD_API_FALLBACK" or "STRICT"))
            return Invalid(marketingRoute, "(#100) Invalid parameter", "product_policy must be CLOUD_API_FALLBACK or STRICT.");
        if (root.TryGetProperty("biz_opaque_callback_data", out var callback) &&
            (callback.ValueKind != JsonValueKind.String || callback.GetString()!.Length > 512))
            return Invalid(marketingRoute, "(#100) Invalid parameter", "biz_opaque_callback_data must be a string of at most 512 characters.");
        if (root.TryGetProperty("bid_spec", out var bidSpec) && BidMultiplier(root) is null)
            return Invalid(marketingRoute, "(#100) Invalid parameter",
                "bid_spec must be {\"per_message_bid_multiplier\": \"<decimal above 0>\"}, the multiplier written as a string, e.g. \"1.5\".");
        return null;
    }

    /// <summary>bid_spec.per_message_bid_multiplier: a decimal above 0 in a string (Meta's max-price page); null when absent or malformed.</summary>
    private static decimal? BidMultiplier(JsonElement root) =>
        root.TryGetProperty("bid_spec", out var spec) && spec.ValueKind == JsonValueKind.Object &&
        Text(spec, "per_message_bid_multiplier") is { } text &&
        decimal.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var m) && m > 0
            ? m : null;

    /// <summary>The most a delivery of this send may cost, in the WABA's currency: the template's max price times the send's multiplier.</summary>
    private decimal? MaxPriceOf(EmulatorTemplate? template, decimal? multiplier)
    {
        if (template?.BidAmount is not long bid || !Core.Templates.CurrencyUnits.TryGetDecimals(_options.Currency, out var decimals)) return null;
        var perDelivery = bid / 1000m;
        for (var i = 0; i < decimals; i++) perDelivery /= 10m;
        return perDelivery * (multiplier ?? 1m);
    }

    /// <summary>Answers a valid send: normally, or with the fault this attempt draws.</summary>
    private EmulatorAnswer Accept(AcceptedSend send, EmulatorFault? fault)
    {
        var (person, marketingRoute) = (send.Person, send.MarketingRoute);
        switch (fault)
        {
            case EmulatorFault.RateLimited:
                var limited = GraphError.Answer(marketingRoute, 130429, GraphError.MessageFor(130429), "Rate limit hit", 429);
                limited.Headers["Retry-After"] = "1";
                return limited;
            case EmulatorFault.Unavailable:
                return GraphError.Answer(marketingRoute, 131016, "(#131016) Service unavailable", "A service is temporarily unavailable.", 503);
        }

        // Every other answer comes after the message was passed on: it counts as accepted, whatever the client hears.
        send.Index = _acceptedByRecipient.AddOrUpdate(person.Key, 1, (_, n) => n + 1);
        var id = send.MessageId = NextMessageId();
        send.AcceptedAtUnix = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        // What happens to the message, drawn from the seed: its webhooks, and what template analytics count of it.
        var events = WebhookTimeline.For(send, _options.Webhooks, Seed);
        _webhooks?.Schedule(events);
        CountForAnalytics(send, events);
        var answer = fault switch
        {
            EmulatorFault.Dropped => EmulatorAnswer.Dropped(),
            // Starlette's answer to an unhandled exception: plain text, no Graph error object.
            EmulatorFault.InternalError => EmulatorAnswer.Text(500, "text/plain; charset=utf-8", "Internal Server Error"),
            EmulatorFault.BadGateway => EmulatorAnswer.Text(502, "text/html", GatewayPage("502 Bad Gateway")),
            EmulatorFault.GatewayTimeout => EmulatorAnswer.Text(504, "text/html", GatewayPage("504 Gateway Time-out")),
            EmulatorFault.MalformedOk => MalformedOk(person.Key),
            // A send to a number gets its wa_id back; a send to a BSUID only where the number may be shown.
            _ => EmulatorAnswer.Json(200, w => WriteAccepted(w, send.Input, send.ByUserId ? person.SharedPhone : person.Phone, person.UserId, id,
                HoldStatus(person) ?? "accepted")),
        };
        answer.Accepted = true;
        return answer;
    }

    /// <summary>The message_status -HoldRecipient gives the person, under their number or their BSUID.</summary>
    private string? HoldStatus(EmulatedPerson person) =>
        person.Phone != null && _options.HoldRecipients.TryGetValue(person.Phone, out var held) ? held
        : _options.HoldRecipients.TryGetValue(person.UserId, out held) ? held : null;

    // MarketingMessageResponsePayload (Meta's OpenAPI file, v23.0); contacts[0] names the person: input as sent, wa_id
    // when the number may be shown, user_id (the BSUID) since 2026 (Meta, "Business-scoped user IDs").
    private static void WriteAccepted(Utf8JsonWriter w, string input, string? waId, string? userId, string id, string messageStatus)
    {
        w.WriteStartObject();
        w.WriteString("messaging_product", "whatsapp");
        w.WriteStartArray("contacts");
        w.WriteStartObject();
        w.WriteString("input", input);
        if (waId != null) w.WriteString("wa_id", waId);
        if (userId != null) w.WriteString("user_id", userId);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("messages");
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("message_status", messageStatus);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    // What nginx answers when the upstream failed or timed out.
    private static string GatewayPage(string title) =>
        "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title +
        "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

    private static readonly string[] MalformedBodies = { "{\"messages\":[{\"id\":123}]}", "[]", "{}", "OK" };

    private EmulatorAnswer MalformedOk(string key)
    {
        var pick = SeededDraw.Unit(Seed, key, _attempts.TryGetValue(key, out var n) ? n : 0, purpose: 2);
        return EmulatorAnswer.Json(200, MalformedBodies[(int)(pick * MalformedBodies.Length)]);
    }

    /// <summary>The person's next queued fault (under the number, then the BSUID), else one drawn from the fault rates for this attempt.</summary>
    private EmulatorFault? NextFault(EmulatedPerson person)
    {
        var attempt = _attempts.AddOrUpdate(person.Key, 1, (_, n) => n + 1);
        lock (_options.Faults)
        {
            if (person.Phone != null && _options.Faults.TryGetValue(person.Phone, out var queue) && queue.Count > 0)
                return (EmulatorFault)queue.Dequeue();
            if (_options.Faults.TryGetValue(person.UserId, out queue) && queue.Count > 0) return (EmulatorFault)queue.Dequeue();
        }
        if (_options.FaultRates.Count == 0) return null;
        var draw = SeededDraw.Unit(Seed, person.Key, attempt, purpose: 1);
        // A fixed order, so the same draw means the same fault whatever order the dictionary keeps.
        foreach (var fault in FaultOrder)
        {
            if (!_options.FaultRates.TryGetValue(fault, out var rate)) continue;
            if (draw < rate) return fault;
            draw -= rate;
        }
        return null;
    }

    private static readonly EmulatorFault[] FaultOrder =
    {
        EmulatorFault.RateLimited, EmulatorFault.Unavailable, EmulatorFault.Dropped, EmulatorFault.InternalError,
        EmulatorFault.BadGateway, EmulatorFault.GatewayTimeout, EmulatorFault.MalformedOk,
    };

    private EmulatorTemplate? FindTemplate(string name, string language)
    {
        lock (_templatesGate)
            foreach (var t in _options.Templates)
                if (t.Name == name && t.Language == language) return t;
        return null;
    }

    private static int CountBodyParameters(JsonElement template)
    {
        if (!template.TryGetProperty("components", out var components) || components.ValueKind != JsonValueKind.Array) return 0;
        foreach (var component in components.EnumerateArray())
            if (Text(component, "type") == "body" && component.TryGetProperty("parameters", out var parameters) &&
                parameters.ValueKind == JsonValueKind.Array)
                return parameters.GetArrayLength();
        return 0;
    }

    private static EmulatorAnswer Invalid(bool marketingRoute, string message, string? details) =>
        GraphError.Answer(marketingRoute, 100, message, details);

    private static string? Text(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

using System;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Dialog360.MM.Core.Webhooks;

/// <summary>
/// Turns one delivery into events with one forward pass of <see cref="JsonScanner"/>, which also refuses what is not JSON.
/// Property order is not fixed (Meta sends "field" after "value", "metadata" may follow "statuses"), so context that
/// arrives late is applied to the events of its object once that object ends.
/// </summary>
internal static class DeliveryParser
{
    // Payload shapes: ../docs/reference/mm-api.md (Webhooks, Opt-outs, Templates), Meta's webhook references under
    // developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/: messages/status/,
    // user_preferences, message_template_status_update, template_category_update and account_update; and the
    // examples under /whatsapp/webhooks in meta-business-messaging-api_v23.0.yaml (which has none for the last four).
    /// <summary>Parses the delivery at the start of <paramref name="json"/>; returns its length (anything after it is not read).</summary>
    [MethodImpl(JitHints.AggressiveOptimization)]
    public static int Parse(ReadOnlySpan<byte> json, DeliveryBatch output)
    {
        var r = new JsonScanner(json);
        r.Read();
        if (r.TokenType == JsonTokenType.StartArray) throw new NotADeliveryException("A JSON array inside an array of deliveries is not a webhook delivery.");
        if (r.TokenType != JsonTokenType.StartObject) throw new NotADeliveryException($"A JSON {Describe(r.TokenType)} is not a webhook delivery: expected an object with \"entry\".");
        var sawEntry = false;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("entry"u8))
            {
                sawEntry = true;
                if (!EnterArray(ref r)) continue;
                while (NextObjectInArray(ref r)) ParseEntry(ref r, json, output);
            }
            else r.Skip();
        }
        var length = r.BytesConsumed;
        if (!sawEntry) output.Events.Add(new MMUnknownEvent { Reason = "no entry[]", RawJson = Utf8(json.Slice(0, length)) });
        return length;
    }

    [MethodImpl(JitHints.AggressiveOptimization)]
    private static void ParseEntry(ref JsonScanner r, ReadOnlySpan<byte> json, DeliveryBatch output)
    {
        var first = output.Events.Count;
        string? wabaId = null;
        DateTimeOffset? time = null;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("id"u8)) wabaId = NextPooled(ref r, output.Pool);
            else if (r.ValueTextEquals("time"u8)) time = NextUnixTime(ref r);
            else if (r.ValueTextEquals("changes"u8))
            {
                if (!EnterArray(ref r)) continue;
                while (NextObjectInArray(ref r)) ParseChange(ref r, json, output);
            }
            else r.Skip();
        }
        for (var i = first; i < output.Events.Count; i++)
        {
            var e = output.Events[i];
            e.WabaId = wabaId;
            // Template and account changes carry no time of their own: entry.time is when Meta sent them.
            switch (e)
            {
                case MMTemplateStatusEvent t: t.Timestamp ??= time; break;
                case MMTemplateCategoryEvent c: c.Timestamp ??= time; break;
                case MMAccountUpdateEvent a: a.Timestamp ??= time; break;
            }
        }
    }

    [MethodImpl(JitHints.AggressiveOptimization)]
    private static void ParseChange(ref JsonScanner r, ReadOnlySpan<byte> json, DeliveryBatch output)
    {
        var first = output.Events.Count;
        var firstStatus = output.Statuses?.Count ?? 0;
        var changeStart = r.TokenStartIndex;
        string? field = null;
        int valueStart = -1, valueEnd = -1;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("field"u8)) field = NextPooled(ref r, output.Pool);
            else if (r.ValueTextEquals("value"u8))
            {
                r.Read();
                valueStart = r.TokenStartIndex;
                // Meta sends "field" after "value": parse a value of unknown field as messages (the common case, one
                // pass) and re-read it below if the field turns out to be another.
                if (r.TokenType == JsonTokenType.StartObject && (field is null || HasMessagesValue(field))) ParseValue(ref r, json, output);
                else r.Skip();
                valueEnd = r.BytesConsumed;
            }
            else r.Skip();
        }
        if (field is null || !HasMessagesValue(field))
        {
            output.Events.RemoveRange(first, output.Events.Count - first);
            output.Statuses?.RemoveRange(firstStatus, output.Statuses.Count - firstStatus);
            var value = valueStart < 0 ? default : json.Slice(valueStart, valueEnd - valueStart);
            MMWebhookEvent? typed = field switch
            {
                "message_template_status_update" => ParseTemplateStatus(value),
                "template_category_update" => ParseTemplateCategory(value),
                "account_update" => ParseAccountUpdate(value),
                _ => null,
            };
            // Anything else (group events, quality updates, …) is kept whole.
            output.Events.Add(typed ?? new MMUnknownEvent
            {
                Reason = field is null ? "change without field" : "field " + field,
                RawJson = Utf8(json.Slice(changeStart, r.BytesConsumed - changeStart)),
            });
        }
        for (var i = first; i < output.Events.Count; i++) output.Events[i].Field = field;
    }

    /// <summary>Fields whose value has the messages shape (metadata, contacts and arrays of events).</summary>
    private static bool HasMessagesValue(string field) => field is "messages" or "user_preferences";

    /// <summary>A change value as its own reader positioned inside the object; false when it is not an object.</summary>
    private static bool EnterValue(ReadOnlySpan<byte> value, out JsonScanner r)
    {
        r = new JsonScanner(value);
        return !value.IsEmpty && r.Read() && r.TokenType == JsonTokenType.StartObject;
    }

    private static MMTemplateStatusEvent? ParseTemplateStatus(ReadOnlySpan<byte> value)
    {
        if (!EnterValue(value, out var r)) return null;
        var t = new MMTemplateStatusEvent();
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("event"u8)) t.Status = NextString(ref r);
            else if (r.ValueTextEquals("message_template_id"u8)) t.TemplateId = NextString(ref r);
            else if (r.ValueTextEquals("message_template_name"u8)) t.TemplateName = NextString(ref r);
            else if (r.ValueTextEquals("message_template_language"u8)) t.Language = NextString(ref r);
            else if (r.ValueTextEquals("message_template_category"u8)) t.Category = NextString(ref r);
            else if (r.ValueTextEquals("reason"u8)) t.Reason = NextString(ref r);
            else if (r.ValueTextEquals("other_info"u8))
            {
                if (!EnterObject(ref r)) continue;
                while (NextProperty(ref r))
                {
                    if (r.ValueTextEquals("title"u8)) t.Title = NextString(ref r);
                    else if (r.ValueTextEquals("description"u8)) t.Description = NextString(ref r);
                    else r.Skip();
                }
            }
            else if (r.ValueTextEquals("rejection_info"u8)) t.Description ??= NextMember(ref r, "reason"u8);
            else r.Skip();
        }
        return t;
    }

    private static MMTemplateCategoryEvent? ParseTemplateCategory(ReadOnlySpan<byte> value)
    {
        if (!EnterValue(value, out var r)) return null;
        var c = new MMTemplateCategoryEvent();
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("message_template_id"u8)) c.TemplateId = NextString(ref r);
            else if (r.ValueTextEquals("message_template_name"u8)) c.TemplateName = NextString(ref r);
            else if (r.ValueTextEquals("message_template_language"u8)) c.Language = NextString(ref r);
            else if (r.ValueTextEquals("previous_category"u8)) c.PreviousCategory = NextString(ref r);
            else if (r.ValueTextEquals("new_category"u8)) c.NewCategory = NextString(ref r);
            else if (r.ValueTextEquals("correct_category"u8)) c.CorrectCategory = NextString(ref r);
            else if (r.ValueTextEquals("category_update_timestamp"u8)) c.EffectiveAt = NextUnixTime(ref r);
            else r.Skip();
        }
        return c;
    }

    private static MMAccountUpdateEvent? ParseAccountUpdate(ReadOnlySpan<byte> value)
    {
        if (!EnterValue(value, out var r)) return null;
        var a = new MMAccountUpdateEvent { RawJson = Utf8(value) };
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("event"u8)) a.Event = NextString(ref r);
            else if (r.ValueTextEquals("country"u8)) a.Country = NextString(ref r);
            else if (r.ValueTextEquals("waba_info"u8)) a.OwnerBusinessId = NextMember(ref r, "owner_business_id"u8);
            else if (r.ValueTextEquals("violation_info"u8)) a.ViolationType = NextMember(ref r, "violation_type"u8);
            else if (r.ValueTextEquals("ban_info"u8)) a.BanState = NextMember(ref r, "waba_ban_state"u8);
            else r.Skip();
        }
        return a;
    }

    [MethodImpl(JitHints.AggressiveOptimization)]
    private static void ParseValue(ref JsonScanner r, ReadOnlySpan<byte> json, DeliveryBatch output)
    {
        var first = output.Events.Count;
        var firstStatus = output.Statuses?.Count ?? 0;
        string? phoneNumberId = null, displayPhoneNumber = null;
        int contactsStart = -1, contactsEnd = -1;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("statuses"u8))
            {
                if (!EnterArray(ref r)) continue;
                while (NextObjectInArray(ref r))
                {
                    var status = ParseStatus(ref r, output.Pool);
                    if (output.Statuses != null) output.Statuses.Add(status);
                    else output.Events.Add(status.ToEvent(json));
                }
            }
            else if (r.ValueTextEquals("metadata"u8))
            {
                if (!EnterObject(ref r)) continue;
                while (NextProperty(ref r))
                {
                    if (r.ValueTextEquals("phone_number_id"u8)) phoneNumberId = NextPooled(ref r, output.Pool);
                    else if (r.ValueTextEquals("display_phone_number"u8)) displayPhoneNumber = NextPooled(ref r, output.Pool);
                    else r.Skip();
                }
            }
            else if (r.ValueTextEquals("messages"u8))
            {
                if (!EnterArray(ref r)) continue;
                while (NextObjectInArray(ref r)) output.Events.Add(ParseMessage(ref r, json));
            }
            else if (r.ValueTextEquals("user_actions"u8))
            {
                if (!EnterArray(ref r)) continue;
                while (NextObjectInArray(ref r)) output.Events.Add(ParseUserAction(ref r, json));
            }
            else if (r.ValueTextEquals("user_preferences"u8))
            {
                if (!EnterArray(ref r)) continue;
                while (NextObjectInArray(ref r)) output.Events.Add(ParseUserPreference(ref r));
            }
            else if (r.ValueTextEquals("contacts"u8))
            {
                // Read only when an event needs them (below): every status of a campaign's file may carry one.
                r.Read();
                contactsStart = r.TokenStartIndex;
                r.Skip();
                contactsEnd = r.BytesConsumed;
            }
            else if (r.ValueTextEquals("messaging_product"u8)) r.Skip();
            else
            {
                // e.g. value.errors[] (a problem with the webhook itself): not ours to interpret, but not dropped.
                var name = r.GetString();
                r.Read();
                var start = r.TokenStartIndex;
                r.Skip();
                output.Events.Add(new MMUnknownEvent { Reason = "value." + name, RawJson = Utf8(json.Slice(start, r.BytesConsumed - start)) });
            }
        }
        List<Contact>? contacts = null;
        if (contactsStart >= 0 && (output.Events.Count > first || HasStatusWithoutNumber(output.Statuses, firstStatus)))
            contacts = ParseContacts(json.Slice(contactsStart, contactsEnd - contactsStart));
        for (var i = first; i < output.Events.Count; i++)
        {
            var e = output.Events[i];
            e.PhoneNumberId = phoneNumberId;
            e.DisplayPhoneNumber = displayPhoneNumber;
            if (contacts is null) continue;
            switch (e)
            {
                case MMStatusEvent status when Match(contacts, status.RecipientId, status.UserId) is { } c:
                    status.RecipientId ??= c.WaId;
                    status.UserId ??= c.UserId;
                    status.ParentUserId ??= c.ParentUserId;
                    status.Username ??= c.Username;
                    break;
                case MMMessageEvent message when Match(contacts, message.From, message.UserId) is { } c:
                    message.ContactName = c.Name;
                    message.From ??= c.WaId;
                    message.UserId ??= c.UserId;
                    message.ParentUserId ??= c.ParentUserId;
                    message.Username ??= c.Username;
                    break;
                case MMUserPreferenceEvent preference when Match(contacts, preference.WaId, preference.UserId) is { } c:
                    preference.ContactName = c.Name;
                    preference.WaId ??= c.WaId;
                    preference.UserId ??= c.UserId;
                    preference.ParentUserId ??= c.ParentUserId;
                    break;
            }
        }
        // Records for the funnel: the contact's number for a status that came without recipient_id (a message sent to a
        // BSUID), as the event gets it, so both ways of reading place a message alike.
        if (contacts is null || output.Statuses is null) return;
        for (var i = firstStatus; i < output.Statuses.Count; i++)
        {
            var record = output.Statuses[i];
            if (!record.RecipientId.IsAbsent || Match(contacts, null, record.RecipientUserId.ToString(json)) is not { } c) continue;
            record.RecipientId = Utf8Text.Of(c.WaId);
            if (record.RecipientUserId.IsAbsent) record.RecipientUserId = Utf8Text.Of(c.UserId);
            if (record.ParentUserId.IsAbsent) record.ParentUserId = Utf8Text.Of(c.ParentUserId);
            output.Statuses[i] = record;
        }
    }

    private static bool HasStatusWithoutNumber(List<StatusRecord>? statuses, int first)
    {
        if (statuses is null) return false;
        for (var i = first; i < statuses.Count; i++) if (statuses[i].RecipientId.IsAbsent) return true;
        return false;
    }

    [MethodImpl(JitHints.AggressiveOptimization)]
    private static StatusRecord ParseStatus(ref JsonScanner r, Utf8StringPool pool)
    {
        var s = new StatusRecord();
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("id"u8)) s.MessageId = Utf8Text.Next(ref r);
            else if (r.ValueTextEquals("status"u8)) s.Status = NextStatus(ref r);
            else if (r.ValueTextEquals("timestamp"u8)) s.Timestamp = NextUnixTime(ref r);
            else if (r.ValueTextEquals("recipient_id"u8)) s.RecipientId = Utf8Text.Next(ref r);
            else if (r.ValueTextEquals("recipient_user_id"u8)) s.RecipientUserId = Utf8Text.Next(ref r);
            // Meta spells the parent both ways: parent_recipient_user_id in its status reference, recipient_parent_user_id
            // in its calling reference and in other integrators' notes (docs/reference/mm-api.md).
            else if (r.ValueTextEquals("parent_recipient_user_id"u8) || r.ValueTextEquals("recipient_parent_user_id"u8)) s.ParentUserId = Utf8Text.Next(ref r);
            else if (r.ValueTextEquals("biz_opaque_callback_data"u8)) s.CallbackData = NextPooled(ref r, pool);
            else if (r.ValueTextEquals("conversation"u8)) s.ConversationId = NextMember(ref r, "id"u8);
            else if (r.ValueTextEquals("pricing"u8))
            {
                if (!EnterObject(ref r)) continue;
                while (NextProperty(ref r))
                {
                    if (r.ValueTextEquals("billable"u8))
                    {
                        r.Read();
                        s.Billable = r.TokenType switch { JsonTokenType.True => true, JsonTokenType.False => false, _ => null };
                        r.Skip();
                    }
                    else if (r.ValueTextEquals("category"u8)) s.PricingCategory = NextPricingWord(ref r);
                    else if (r.ValueTextEquals("pricing_model"u8)) s.PricingModel = NextPricingWord(ref r);
                    // Max price: the delivery's actual price, {"amount": 0.035, "currency": "USD"} (docs/reference/mm-api.md).
                    else if (r.ValueTextEquals("cost"u8))
                    {
                        if (!EnterObject(ref r)) continue;
                        while (NextProperty(ref r))
                        {
                            if (r.ValueTextEquals("amount"u8)) s.CostAmount = NextDecimal(ref r);
                            else if (r.ValueTextEquals("currency"u8)) s.CostCurrency = NextPooled(ref r, pool);
                            else r.Skip();
                        }
                    }
                    else r.Skip();
                }
            }
            else if (r.ValueTextEquals("errors"u8))
            {
                if (!EnterArray(ref r)) continue;
                while (NextObjectInArray(ref r))
                {
                    // The first error explains the failure; later ones (rare) are skipped rather than overwrite it.
                    if (s.ErrorCode != null || s.ErrorTitle != null) { r.Skip(); continue; }
                    ParseError(ref r, ref s, pool);
                }
            }
            else r.Skip();
        }
        return s;
    }

    [MethodImpl(JitHints.AggressiveOptimization)]
    private static void ParseError(ref JsonScanner r, ref StatusRecord s, Utf8StringPool pool)
    {
        string? message = null, details = null;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("code"u8)) s.ErrorCode = NextInt(ref r);
            else if (r.ValueTextEquals("title"u8)) s.ErrorTitle = NextPooled(ref r, pool);
            else if (r.ValueTextEquals("message"u8)) message = NextPooled(ref r, pool);
            else if (r.ValueTextEquals("error_data"u8))
            {
                if (!EnterObject(ref r)) continue;
                while (NextProperty(ref r))
                {
                    if (r.ValueTextEquals("details"u8)) details = NextPooled(ref r, pool);
                    else r.Skip();
                }
            }
            else r.Skip();
        }
        s.ErrorDetails = details ?? message;
    }

    [MethodImpl(JitHints.AggressiveOptimization)]
    private static MMMessageEvent ParseMessage(ref JsonScanner r, ReadOnlySpan<byte> json)
    {
        var start = r.TokenStartIndex;
        var m = new MMMessageEvent();
        string? systemUserId = null, systemPreviousUserId = null;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("id"u8)) m.MessageId = NextString(ref r);
            else if (r.ValueTextEquals("from"u8)) m.From = NextString(ref r);
            else if (r.ValueTextEquals("from_user_id"u8)) m.UserId = NextString(ref r);
            else if (r.ValueTextEquals("from_parent_user_id"u8)) m.ParentUserId = NextString(ref r);
            else if (r.ValueTextEquals("system"u8))
            {
                if (!EnterObject(ref r)) continue;
                while (NextProperty(ref r))
                {
                    if (r.ValueTextEquals("type"u8)) m.SystemType = NextString(ref r);
                    else if (r.ValueTextEquals("body"u8)) m.Text = NextString(ref r);
                    else if (r.ValueTextEquals("user_id"u8)) systemUserId = NextString(ref r);
                    else if (r.ValueTextEquals("previous_user_id"u8)) systemPreviousUserId = NextString(ref r);
                    else r.Skip();
                }
            }
            else if (r.ValueTextEquals("type"u8)) m.Type = NextString(ref r);
            else if (r.ValueTextEquals("timestamp"u8)) m.Timestamp = NextUnixTime(ref r);
            else if (r.ValueTextEquals("text"u8)) ReadMembers(ref r, m, "body"u8, null);
            else if (r.ValueTextEquals("button"u8)) ReadMembers(ref r, m, "text"u8, "payload"u8);
            else if (r.ValueTextEquals("reaction"u8)) ReadMembers(ref r, m, "emoji"u8, null);
            else if (r.ValueTextEquals("image"u8) || r.ValueTextEquals("video"u8) || r.ValueTextEquals("document"u8)) ReadMembers(ref r, m, "caption"u8, null);
            else if (r.ValueTextEquals("context"u8)) m.ContextMessageId = NextMember(ref r, "id"u8);
            else if (r.ValueTextEquals("interactive"u8))
            {
                if (!EnterObject(ref r)) continue;
                while (NextProperty(ref r))
                {
                    if (r.ValueTextEquals("type"u8)) m.InteractiveType = NextString(ref r);
                    // button_reply, list_reply: {id, title, description}
                    else ReadMembers(ref r, m, "title"u8, "id"u8);
                }
            }
            else r.Skip();
        }
        if (m.SystemType == "user_changed_user_id")
        {
            // Where the two BSUIDs are differs by source: Meta's BSUID page shows the new one in system.user_id and the
            // sender's from_user_id; peers (pywa, chatwoot, integrators' handlers) also read system.previous_user_id, or
            // take both from system.body, "User <name> changed from <old> to <new>".
            m.NewUserId = systemUserId;
            m.PreviousUserId = m.UserId ?? systemPreviousUserId ?? PreviousUserIdIn(m.Text);
            if (m.PreviousUserId == m.NewUserId) m.PreviousUserId = null;
        }
        m.RawJson = Utf8(json.Slice(start, r.BytesConsumed - start));
        return m;
    }

    /// <summary>The old BSUID of a system.body "… changed from &lt;old&gt; to &lt;new&gt;", when the old one is a BSUID.</summary>
    private static string? PreviousUserIdIn(string? body)
    {
        const string marker = " changed from ";
        var at = body?.LastIndexOf(marker, StringComparison.Ordinal) ?? -1;
        if (at < 0) return null;
        var from = at + marker.Length;
        var end = body!.IndexOf(' ', from);
        var previous = end < 0 ? body.Substring(from) : body.Substring(from, end - from);
        return Messages.UserId.IsUserId(previous) ? previous : null;
    }

    /// <summary>Reads an object property's members <paramref name="text"/> into Text and <paramref name="payload"/> into Payload.</summary>
    private static void ReadMembers(ref JsonScanner r, MMMessageEvent m, ReadOnlySpan<byte> text, ReadOnlySpan<byte> payload)
    {
        if (!EnterObject(ref r)) return;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals(text)) m.Text = NextString(ref r);
            else if (!payload.IsEmpty && r.ValueTextEquals(payload)) m.Payload = NextString(ref r);
            else r.Skip();
        }
    }

    private static MMWebhookEvent ParseUserAction(ref JsonScanner r, ReadOnlySpan<byte> json)
    {
        var start = r.TokenStartIndex;
        var click = new MMClickEvent();
        string? actionType = null;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("action_type"u8)) actionType = NextString(ref r);
            else if (r.ValueTextEquals("timestamp"u8)) click.Timestamp = NextUnixTime(ref r);
            else if (r.ValueTextEquals("marketing_messages_link_click_data"u8))
            {
                if (!EnterObject(ref r)) continue;
                while (NextProperty(ref r))
                {
                    if (r.ValueTextEquals("click_component"u8)) click.ClickComponent = NextString(ref r);
                    else if (r.ValueTextEquals("click_id"u8)) click.ClickId = NextString(ref r);
                    else if (r.ValueTextEquals("product_id"u8)) click.ProductId = NextString(ref r);
                    else if (r.ValueTextEquals("tracking_token"u8)) click.TrackingToken = NextString(ref r);
                    else r.Skip();
                }
            }
            else r.Skip();
        }
        if (actionType == "marketing_messages_link_click") return click;
        return new MMUnknownEvent
        {
            Reason = "user action " + (actionType ?? "without action_type"),
            RawJson = Utf8(json.Slice(start, r.BytesConsumed - start)),
        };
    }

    private static MMUserPreferenceEvent ParseUserPreference(ref JsonScanner r)
    {
        var p = new MMUserPreferenceEvent();
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("wa_id"u8)) p.WaId = NextString(ref r);
            else if (r.ValueTextEquals("user_id"u8)) p.UserId = NextString(ref r);
            else if (r.ValueTextEquals("parent_user_id"u8)) p.ParentUserId = NextString(ref r);
            else if (r.ValueTextEquals("value"u8)) p.Value = NextString(ref r);
            else if (r.ValueTextEquals("category"u8)) p.Category = NextString(ref r);
            else if (r.ValueTextEquals("detail"u8)) p.Detail = NextString(ref r);
            else if (r.ValueTextEquals("timestamp"u8)) p.Timestamp = NextUnixTime(ref r);
            else r.Skip();
        }
        return p;
    }

    /// <summary>A value.contacts[] element: the person the value's events are about, by every name WhatsApp gives.</summary>
    private sealed class Contact
    {
        public string? WaId, UserId, ParentUserId, Name, Username;
    }

    private static List<Contact>? ParseContacts(ReadOnlySpan<byte> array)
    {
        var r = new JsonScanner(array);
        if (!r.Read() || r.TokenType != JsonTokenType.StartArray) return null;
        var contacts = new List<Contact>(1);
        while (NextObjectInArray(ref r))
        {
            var c = new Contact();
            while (NextProperty(ref r))
            {
                if (r.ValueTextEquals("wa_id"u8)) c.WaId = NextString(ref r);
                else if (r.ValueTextEquals("user_id"u8)) c.UserId = NextString(ref r);
                else if (r.ValueTextEquals("parent_user_id"u8)) c.ParentUserId = NextString(ref r);
                else if (r.ValueTextEquals("profile"u8))
                {
                    if (!EnterObject(ref r)) continue;
                    while (NextProperty(ref r))
                    {
                        if (r.ValueTextEquals("name"u8)) c.Name = NextString(ref r);
                        else if (r.ValueTextEquals("username"u8)) c.Username = NextString(ref r);
                        else r.Skip();
                    }
                }
                else r.Skip();
            }
            contacts.Add(c);
        }
        return contacts;
    }

    /// <summary>The contact with this number or BSUID; else the only contact, when there is one.</summary>
    private static Contact? Match(List<Contact> contacts, string? waId, string? userId)
    {
        foreach (var c in contacts)
            if ((waId != null && c.WaId == waId) || (userId != null && c.UserId == userId)) return c;
        return contacts.Count == 1 ? contacts[0] : null;
    }

    /// <summary>At a property name whose value is an object: that object's member <paramref name="name"/> as text.</summary>
    [MethodImpl(JitHints.AggressiveOptimization)]
    private static string? NextMember(ref JsonScanner r, ReadOnlySpan<byte> name)
    {
        string? value = null;
        if (!EnterObject(ref r)) return null;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals(name)) value = NextString(ref r);
            else r.Skip();
        }
        return value;
    }

    private static bool NextProperty(ref JsonScanner r) => r.Read() && r.TokenType == JsonTokenType.PropertyName;

    /// <summary>At a property name: moves into its value if it is an object (true), else skips the value (false).</summary>
    private static bool EnterObject(ref JsonScanner r)
    {
        r.Read();
        if (r.TokenType == JsonTokenType.StartObject) return true;
        r.Skip();
        return false;
    }

    private static bool EnterArray(ref JsonScanner r)
    {
        r.Read();
        if (r.TokenType == JsonTokenType.StartArray) return true;
        r.Skip();
        return false;
    }

    /// <summary>Inside an array: moves to its next object element (skipping anything else); false at the array's end.</summary>
    private static bool NextObjectInArray(ref JsonScanner r)
    {
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (r.TokenType == JsonTokenType.StartObject) return true;
            r.Skip();
        }
        return false;
    }

    /// <summary>A property's value as text; numbers keep their JSON spelling (ids are sometimes sent as numbers).</summary>
    private static string? NextString(ref JsonScanner r)
    {
        r.Read();
        return CurrentAsString(ref r);
    }

    [MethodImpl(JitHints.AggressiveOptimization)]
    internal static string? CurrentAsString(ref JsonScanner r)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.String: return r.GetString();
            case JsonTokenType.Number: return JsonScanner.Decode(r.ValueSpan);
            case JsonTokenType.True: return "true";
            case JsonTokenType.False: return "false";
            default: r.Skip(); return null;
        }
    }

    /// <summary>As <see cref="NextString"/>, for values that repeat across a file: one shared string per value.</summary>
    [MethodImpl(JitHints.AggressiveOptimization)]
    private static string? NextPooled(ref JsonScanner r, Utf8StringPool pool)
    {
        r.Read();
        if (r.TokenType == JsonTokenType.String && !r.ValueIsEscaped) return pool.Get(r.ValueSpan);
        return CurrentAsString(ref r);
    }

    // Statuses repeat four words a hundred thousand times in a campaign's file: share the strings.
    [MethodImpl(JitHints.AggressiveOptimization)]
    private static string? NextStatus(ref JsonScanner r)
    {
        r.Read();
        if (r.TokenType != JsonTokenType.String) { r.Skip(); return null; }
        if (r.ValueTextEquals("delivered"u8)) return "delivered";
        if (r.ValueTextEquals("read"u8)) return "read";
        if (r.ValueTextEquals("sent"u8)) return "sent";
        if (r.ValueTextEquals("failed"u8)) return "failed";
        return r.GetString();
    }

    // Pricing repeats a few words on every status as well.
    [MethodImpl(JitHints.AggressiveOptimization)]
    private static string? NextPricingWord(ref JsonScanner r)
    {
        r.Read();
        if (r.TokenType != JsonTokenType.String) { r.Skip(); return null; }
        if (r.ValueTextEquals("marketing_lite"u8)) return "marketing_lite";
        if (r.ValueTextEquals("PMP"u8)) return "PMP";
        if (r.ValueTextEquals("marketing"u8)) return "marketing";
        return r.GetString();
    }

    [MethodImpl(JitHints.AggressiveOptimization)]
    private static int? NextInt(ref JsonScanner r)
    {
        r.Read();
        if (r.TokenType == JsonTokenType.Number && r.TryGetInt32(out var n)) return n;
        if (r.TokenType == JsonTokenType.String && Utf8Parser.TryParse(r.ValueSpan, out int parsed, out var used) && used == r.ValueSpan.Length) return parsed;
        r.Skip();
        return null;
    }

    /// <summary>A decimal amount, sent as a number (0.035, 3.5E-2) or a string ("0.035"); null for anything else.</summary>
    private static decimal? NextDecimal(ref JsonScanner r)
    {
        r.Read();
        if ((r.TokenType == JsonTokenType.Number || (r.TokenType == JsonTokenType.String && !r.ValueIsEscaped)) &&
            Utf8Parser.TryParse(r.ValueSpan, out decimal amount, out var used) && used == r.ValueSpan.Length) return amount;
        r.Skip();
        return null;
    }

    /// <summary>Unix seconds, sent as a string ("1750091045") or a number.</summary>
    [MethodImpl(JitHints.AggressiveOptimization)]
    private static DateTimeOffset? NextUnixTime(ref JsonScanner r)
    {
        r.Read();
        long seconds;
        if (r.TokenType == JsonTokenType.Number) { if (!r.TryGetInt64(out seconds)) return null; }
        else if (r.TokenType == JsonTokenType.String && !r.ValueIsEscaped)
        {
            if (!Utf8Parser.TryParse(r.ValueSpan, out seconds, out var used) || used != r.ValueSpan.Length) return null;
        }
        else { r.Skip(); return null; }
        if (seconds < -62135596800L || seconds > 253402300799L) return null;
        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static string Utf8(ReadOnlySpan<byte> bytes) => JsonScanner.Decode(bytes);
}

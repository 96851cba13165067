using System;

namespace Dialog360.MM.Core.Webhooks;

/// <summary>An inbound message from a WhatsApp user: value.messages[] (text, quick-reply button, interactive reply, media, …).</summary>
public sealed class MMMessageEvent : MMWebhookEvent
{
    public override string EventType => "Message";

    public string? MessageId { get; internal set; }

    /// <summary>
    /// The sender's WhatsApp number: from, else the wa_id of value.contacts[]; null for a person who hides their number
    /// behind a username and has not been in touch with the business lately.
    /// </summary>
    public string? From { get; internal set; }

    /// <summary>The sender's business-scoped user ID: from_user_id, else value.contacts[].user_id.</summary>
    public string? UserId { get; internal set; }

    /// <summary>The sender's parent BSUID (CC.ENT.…): from_parent_user_id, else value.contacts[].parent_user_id.</summary>
    public string? ParentUserId { get; internal set; }

    /// <summary>The sender's profile name, from value.contacts[].</summary>
    public string? ContactName { get; internal set; }

    /// <summary>The sender's WhatsApp username, from value.contacts[].profile.username.</summary>
    public string? Username { get; internal set; }

    /// <summary>For a system message (Type "system"): system.type, e.g. user_changed_number or user_changed_user_id.</summary>
    public string? SystemType { get; internal set; }

    /// <summary>For user_changed_user_id: the person's new BSUID (system.user_id).</summary>
    public string? NewUserId { get; internal set; }

    /// <summary>For user_changed_user_id: the BSUID the new one replaces.</summary>
    public string? PreviousUserId { get; internal set; }

    /// <summary>text, button, interactive, image, reaction, …</summary>
    public string? Type { get; internal set; }

    /// <summary>The readable part: text.body, button.text, the reply's title, a media caption or a reaction's emoji.</summary>
    public string? Text { get; internal set; }

    /// <summary>What a reply button carries for the business: button.payload, or the id of an interactive button or list reply.</summary>
    public string? Payload { get; internal set; }

    /// <summary>interactive.type: button_reply, list_reply, …</summary>
    public string? InteractiveType { get; internal set; }

    /// <summary>context.id: the business message this one replies to (e.g. the campaign message whose button was tapped).</summary>
    public string? ContextMessageId { get; internal set; }

    public DateTimeOffset? Timestamp { get; internal set; }

    /// <summary>The message element as received, for the parts not flattened here (media ids, locations, orders, …).</summary>
    public string? RawJson { get; internal set; }
}

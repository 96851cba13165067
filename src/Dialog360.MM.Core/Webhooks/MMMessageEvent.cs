using System;

namespace Dialog360.MM.Core.Webhooks;

/// <summary>An inbound message from a WhatsApp user: value.messages[] (text, quick-reply button, interactive reply, media, …).</summary>
public sealed class MMMessageEvent : MMWebhookEvent
{
    public override string EventType => "Message";

    public string? MessageId { get; internal set; }

    /// <summary>The sender's WhatsApp number (wa_id).</summary>
    public string? From { get; internal set; }

    /// <summary>The sender's profile name, from value.contacts[].</summary>
    public string? ContactName { get; internal set; }

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

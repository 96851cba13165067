using System;
using Dialog360.MM.Core.Receiving;

namespace Dialog360.MM.Session;

/// <summary>A running webhook receiver as Start-MMWebhookReceiver returns it; the counters are live.</summary>
public sealed class MMWebhookReceiver
{
    internal MMWebhookReceiver(WebhookReceiver receiver) => Receiver = receiver;

    public Uri BaseUri => Receiver.BaseUri;
    public int Port => Receiver.Port;
    public string Path => Receiver.Path;
    public bool IsRunning => Receiver.IsRunning;
    public bool VerifiesSignatures => Receiver.VerifiesSignatures;
    public long StoredCount => Receiver.StoredCount;
    public long RejectedCount => Receiver.RejectedCount;
    public string? LastRejection => Receiver.LastRejection;
    public WebhookReceiver Receiver { get; }

    public override string ToString() => BaseUri.ToString();
}

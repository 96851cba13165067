using System.Management.Automation;

using Dialog360.MM.Session;

namespace Dialog360.MM.Commands.Webhooks;

[Cmdlet(VerbsLifecycle.Stop, "MMWebhookReceiver", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class StopMMWebhookReceiverCommand : MMCmdlet
{
    /// <summary>The receiver to stop; none stops every receiver this session started.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    public MMWebhookReceiver[]? InputObject { get; set; }

    protected override void ProcessRecord()
    {
        var receivers = ModuleSession.WebhookReceivers;
        foreach (var receiver in InputObject ?? receivers.ToArray())
        {
            if (!ShouldProcess(receiver.BaseUri.ToString(), "Stop the webhook receiver")) continue;
            receiver.Receiver.Stop();
            receivers.Remove(receiver);
            WriteVerbose($"Stopped the webhook receiver at {receiver.BaseUri}; it stored {receiver.StoredCount:N0} deliveries in {receiver.Path} and refused {receiver.RejectedCount:N0} requests.");
        }
    }
}

using System;
using System.IO;
using System.Management.Automation;
using System.Security;
using Dialog360.MM.Core.Files;
using Dialog360.MM.Core.Receiving;
using Dialog360.MM.Errors;
using Dialog360.MM.Session;

namespace Dialog360.MM.Commands.Webhooks;

[Cmdlet(VerbsLifecycle.Start, "MMWebhookReceiver", SupportsShouldProcess = true)]
[OutputType(typeof(MMWebhookReceiver))]
public sealed class StartMMWebhookReceiverCommand : MMCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter(Position = 1)]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? VerifyToken { get; set; }

    [Parameter]
    public SecureString? Secret { get; set; }

    /// <summary>Connections open at once; more get 503 and are closed at once. The old name still binds.</summary>
    [Parameter]
    [Alias("MaxRequestsInFlight")]
    [ValidateRange(1, 10000)]
    public int MaxConnections { get; set; } = 64;

    [Parameter]
    [ValidateRange(1, 300)]
    public int HeaderTimeoutSeconds { get; set; } = 5;

    [Parameter]
    [ValidateRange(1, 3600)]
    public int BodyTimeoutSeconds { get; set; } = 30;

    protected override void EndProcessing()
    {
        var file = FileSystemPath(Path!, nameof(Path));
        var folder = System.IO.Path.GetDirectoryName(file);
        if (Directory.Exists(file) || (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder)))
        {
            ThrowTerminatingError(ErrorRecords.Create(
                ErrorIds.WebhookReceiverStartFailed, new DirectoryNotFoundException(Directory.Exists(file)
                    ? $"-Path '{file}' is a folder: give a file name inside it, e.g. {System.IO.Path.Combine(file, "events.jsonl")}."
                    : $"The folder of -Path '{file}' does not exist: create it first, or choose another path."), Path));
        }
        var where = Port == 0 ? "a free loopback port" : $"http://127.0.0.1:{Port}/";
        if (!ShouldProcess($"{where}, file {file}", "Start a webhook receiver that appends deliveries to the file")) return;

        var options = new WebhookReceiverOptions
        {
            Port = Port, Path = file, VerifyToken = VerifyToken, MaxConnections = MaxConnections,
            HeaderTimeout = TimeSpan.FromSeconds(HeaderTimeoutSeconds), BodyTimeout = TimeSpan.FromSeconds(BodyTimeoutSeconds),
        };
        if (Secret is { Length: > 0 }) options.Secret = WebhookSignature.SecretBytes(Secret);
        else WriteWarning("No -Secret (or an empty one): the receiver stores any POST with valid JSON, signed or not. Give the signing secret to refuse unsigned or forged deliveries with 403.");

        var receiver = new WebhookReceiver(options);
        try
        {
            receiver.Start();
        }
        catch (FileLockedException ex)
        {
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.WebhookFileInUse, ex.Holder is null ? ex
                : new FileLockedException(ex, $"Stop that receiver (Stop-MMWebhookReceiver in its session, or end process {ex.Holder.ProcessId} on {ex.Holder.Host})."), Path));
        }
        catch (InvalidOperationException ex)
        {
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.WebhookReceiverStartFailed,
                new InvalidOperationException(ex.Message + " Choose another -Port, or leave it out to take a free one.", ex), Path));
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.WebhookReceiverStartFailed, new IOException($"{ex.Message} Check that '{file}' can be written.", ex), Path));
        }
        var output = new MMWebhookReceiver(receiver);
        ModuleSession.WebhookReceivers.Add(output);
        WriteVerbose($"Receiving webhooks at {receiver.BaseUri} into {file}{(options.Secret != null ? ", verifying signatures" : string.Empty)}{(VerifyToken != null ? ", answering subscription checks" : string.Empty)}.");
        WriteObject(output);
    }
}

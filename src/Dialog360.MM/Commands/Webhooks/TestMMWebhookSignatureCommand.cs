using System;
using System.Management.Automation;
using System.Security;
using System.Text;
using Dialog360.MM.Core.Receiving;
using Dialog360.MM.Errors;

namespace Dialog360.MM.Commands.Webhooks;

[Cmdlet(VerbsDiagnostic.Test, "MMWebhookSignature")]
[OutputType(typeof(bool))]
public sealed class TestMMWebhookSignatureCommand : MMCmdlet
{
    /// <summary>The body as received: a string (hashed as its UTF-8 bytes) or a byte array.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Body")]
    public object? Payload { get; set; }

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string? Signature { get; set; }

    [Parameter(Mandatory = true, Position = 2)]
    public SecureString? Secret { get; set; }

    protected override void ProcessRecord()
    {
        var payload = Payload is PSObject ps ? ps.BaseObject : Payload;
        byte[] bytes;
        switch (payload)
        {
            case string text:
                bytes = Encoding.UTF8.GetBytes(text);
                break;
            case byte[] raw:
                bytes = raw;
                break;
            default:
                try
                {
                    // Get-Content -AsByteStream and similar give object[] of bytes.
                    bytes = LanguagePrimitives.ConvertTo<byte[]>(payload);
                }
                catch (PSInvalidCastException ex)
                {
                    WriteError(ErrorRecords.Create(
                        ErrorIds.InvalidWebhookPayload, new ArgumentException($"-Payload must be the body as a string or a byte array, not {payload?.GetType().Name ?? "null"}.", ex), payload));
                    return;
                }
                break;
        }
        if (!WebhookSignature.TryDecode(Signature, out _))
        {
            WriteVerbose("The signature is neither 64 hex digits nor base64 of 32 bytes (with or without 'sha256='): it cannot match.");
            WriteObject(false);
            return;
        }
        var secret = WebhookSignature.SecretBytes(Secret!);
        try
        {
            var valid = WebhookSignature.Verify(bytes, Signature, secret);
            WriteVerbose(valid
                ? $"The signature matches the HMAC-SHA256 of the {bytes.Length:N0} payload bytes."
                : $"The signature does not match the HMAC-SHA256 of the {bytes.Length:N0} payload bytes (a re-serialised or re-encoded body no longer matches).");
            WriteObject(valid);
        }
        finally
        {
            Array.Clear(secret, 0, secret.Length);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Management.Automation;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Campaigns;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Errors;
using Dialog360.MM.Session;

namespace Dialog360.MM.Commands.Sending;

[Cmdlet(VerbsCommunications.Send, "MarketingMessage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MMSendResult))]
public sealed class SendMarketingMessageCommand : MMCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Phone", "PhoneNumber", "WaId", "Recipient")]
    [AllowEmptyString]
    public string To { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1)]
    [AllowEmptyString]
    public string TemplateName { get; set; } = string.Empty;

    [Parameter]
    public string LanguageCode { get; set; } = "en";

    [Parameter]
    [AllowEmptyCollection]
    public object[]? BodyParameter { get; set; }

    [Parameter]
    public SwitchParameter ActivitySharing { get; set; }

    [Parameter]
    public TimeSpan? TimeToLive { get; set; }

    [Parameter]
    public SwitchParameter UseCloudApi { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Account { get; set; }

    private ConnectedAccount? _account;
    private IReadOnlyList<TemplateParameter> _bodyParameters = Array.Empty<TemplateParameter>();
    private SendRoute Route => UseCloudApi ? SendRoute.CloudApi : SendRoute.MarketingMessages;

    protected override void BeginProcessing()
    {
        // Everything that is the same for every recipient is checked once, before anything is sent.
        try
        {
            TemplateMessage.ValidateTemplateName(TemplateName);
            TemplateMessage.ValidateLanguage(LanguageCode);
            if (TimeToLive is TimeSpan ttl) Core.Messages.TimeToLive.ToSeconds(ttl);
            _bodyParameters = ConvertBodyParameters(BodyParameter);
        }
        catch (MessageValidationException ex)
        {
            ThrowTerminatingError(ErrorRecords.FromValidation(ex, ex.Field));
        }
        _account = ResolveAccount(Account);
    }

    protected override void ProcessRecord()
    {
        var endpoint = _account!.Client.RouteUri(SendRoutes.PathOf(Route));
        TemplateMessage message;
        try
        {
            message = new TemplateMessage(To, TemplateName, LanguageCode, _bodyParameters, ActivitySharing, TimeToLive);
        }
        catch (MessageValidationException ex)
        {
            WriteError(ErrorRecords.FromValidation(ex, To));
            WriteObject(MMSendResult.Failed(To ?? string.Empty, TemplateName, ex.Reason, ex.Message, null, DateTimeOffset.Now));
            return;
        }

        if (!ShouldProcess($"+{message.To}", $"Send template '{message.TemplateName}' ({message.LanguageCode}) via {endpoint}"))
            return;

        WriteVerbose($"POST {endpoint} to {message.To}: template {message.TemplateName} ({message.LanguageCode}), " +
                     $"{message.BodyParameters.Count} body parameter(s){(message.ActivitySharing ? ", activity sharing" : string.Empty)}" +
                     $"{(message.TtlSeconds is int s ? $", TTL {s} s" : string.Empty)}.");
        var sentAt = DateTimeOffset.Now;
        try
        {
            var response = Wait(_account.Client.SendTemplateAsync(message, Route, CancelToken));
            WriteObject(MMSendResult.Accepted(message, response, endpoint, sentAt));
        }
        catch (ApiException ex)
        {
            var code = ex.Code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? $"HTTP{ex.HttpStatus}";
            WriteObject(MMSendResult.Failed(message.To, message.TemplateName, code, ex.Describe(), endpoint, sentAt));
            var record = ErrorRecords.FromApi(ex, To);
            // A refused key or a business without the MM terms fails every recipient alike: stop instead of repeating it.
            if (ex.Kind is ApiErrorKind.Authentication or ApiErrorKind.NotOnboarded) ThrowTerminatingError(record);
            WriteError(record);
        }
        catch (ApiTransportException ex)
        {
            WriteObject(MMSendResult.Failed(message.To, message.TemplateName, ex.IsTimeout ? ErrorIds.ApiTimeout : ErrorIds.ApiUnreachable,
                ex.Message, endpoint, sentAt));
            WriteError(ErrorRecords.FromTransport(ex, To));
        }
    }

    /// <summary>-BodyParameter values become text parameters, in order.</summary>
    private static IReadOnlyList<TemplateParameter> ConvertBodyParameters(object[]? values)
    {
        if (values is null || values.Length == 0) return Array.Empty<TemplateParameter>();
        var result = new List<TemplateParameter>(values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i] is PSObject pso ? pso.BaseObject : values[i];
            var text = value is null ? null : LanguagePrimitives.ConvertTo<string>(value);
            if (string.IsNullOrEmpty(text))
                throw new MessageValidationException("BodyParameter", ErrorIds.InvalidBodyParameter,
                    $"BodyParameter {i + 1} is empty: every {{{{n}}}} placeholder of the template needs a value.");
            result.Add(new TextParameter(text!));
        }
        return result;
    }
}

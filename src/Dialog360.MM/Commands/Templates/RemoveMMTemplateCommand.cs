using System;
using System.Collections.Generic;
using System.Management.Automation;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Errors;

namespace Dialog360.MM.Commands.Templates;

/// <summary>360dialog deletes a template by name, in every language at once: ConfirmImpact High, and each name once.</summary>
[Cmdlet(VerbsCommon.Remove, "MMTemplate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveMMTemplateCommand : MMCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = Array.Empty<string>();

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Account { get; set; }

    // Get-MMTemplate writes one object per language: the name is deleted once.
    private readonly HashSet<string> _done = new(StringComparer.Ordinal);

    protected override void ProcessRecord()
    {
        var account = ResolveAccount(Account);
        foreach (var name in Name)
        {
            if (!_done.Add(name)) continue;
            try { TemplateMessage.ValidateTemplateName(name, "Name"); }
            catch (MessageValidationException ex)
            {
                WriteError(ErrorRecords.FromValidation(ex, name));
                continue;
            }
            if (!ShouldProcess($"{name} (every language)", $"Delete the template from account '{account.Name}'")) continue;
            WriteVerbose($"DELETE {account.Client.RouteUri("v1/configs/templates/" + Uri.EscapeDataString(name))}");
            try { Wait(account.Client.DeleteTemplateAsync(name, CancelToken)); }
            catch (Core.Api.ApiException ex) when (ex.HttpStatus == 404)
            {
                WriteError(ErrorRecords.Create(ErrorIds.TemplateNotFound, new ItemNotFoundException($"The account has no template named '{name}': run Get-MMTemplate to list them.", ex), name));
            }
            catch (Exception ex) when (ErrorRecords.IsApiFailure(ex)) { WriteError(ErrorRecords.FromApiFailure(ex, name)); }
            finally { account.Templates.Invalidate(); }
        }
    }
}

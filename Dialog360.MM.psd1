@{
    # Loads Dialog360.MM.dll: in a load context of its own on PowerShell 7.4+, directly on Windows PowerShell 5.1.
    RootModule           = 'Dialog360.MM.psm1'
    ModuleVersion        = '0.3.0'
    GUID                 = '6f3c2a8e-5d1b-4c7e-9a2f-0b8d4e6c1a37'
    Author               = 'Dialog360.MM contributors'
    CompanyName          = 'Dialog360.MM'
    Copyright            = '(c) 2026 Dialog360.MM contributors. MIT licence (LICENSE).'
    Description          = "PowerShell cmdlets for 360dialog's Marketing Messages API for WhatsApp (MM API): send template campaigns, check onboarding and templates, and turn webhook deliveries into objects."
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    # One format file, merged at build from src/Dialog360.MM/Formats/*.format.ps1xml.
    FormatsToProcess     = @('Dialog360.MM.format.ps1xml')
    CmdletsToExport      = @(
        'Connect-MMAccount'
        'Get-MMAccount'
        'Disconnect-MMAccount'
        'Send-MarketingMessage'
        'Get-MMTemplate'
        'New-MMTemplate'
        'Remove-MMTemplate'
        'Get-MMTemplateAnalytics'
        'Enable-MMTemplateAnalytics'
        'Test-MMOnboarding'
        'Get-MMWebhookUrl'
        'Set-MMWebhookUrl'
        'Start-MMEmulator'
        'Stop-MMEmulator'
        'Get-MMEmulator'
        'ConvertFrom-MMWebhook'
        'Test-MMWebhookSignature'
        'Add-MMSuppression'
        'Get-MMSuppression'
        'Remove-MMSuppression'
        'Start-MMWebhookReceiver'
        'Stop-MMWebhookReceiver'
        'Measure-MMCampaign'
        'Export-MMCampaignReport'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            # ReleaseNotes: the build adds the CHANGELOG.md section of ModuleVersion, so the notes live in one place.
            Tags       = @('WhatsApp', '360dialog', 'MarketingMessages', 'MM', 'Messaging', 'Campaigns', 'Webhooks', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri = 'https://github.com/dialog360-mm/Dialog360.MM'
            LicenseUri = 'https://github.com/dialog360-mm/Dialog360.MM/blob/main/LICENSE'
        }
    }
}

<#
.SYNOPSIS
    The offline tour of Dialog360.MM: send a campaign, receive its webhooks, read the funnel, rerun safely, and write
    the campaign report.
.DESCRIPTION
    Nothing here leaves this machine: the "API" is the module's emulator on 127.0.0.1, and the webhooks it sends go to
    the module's own receiver on 127.0.0.1, signed with a throw-away secret.
    In the sample audience, Eve has stopped marketing messages (the emulator answers 131050 for her) and Hugo's number
    is too short for the UK, so both fail at once, each with its own error; Grace's national number is read with
    -DefaultRegion GB. Bob uses a WhatsApp username: his webhooks carry his business-scoped user ID (BSUID), never his
    number, so when he opts out the webhook names only the BSUID; the send's answer paired it with his number, and the
    rerun holds him back by number. The emulator's seed fixes what happens to the others after the send, so every run
    tells the same story: most messages are delivered and read, one fails on the way, someone clicks, Bob opts out.
    Then a flash sale goes to the same audience with flash_sale, a template with a max price: the opt-outs are held
    back, and each delivery's webhook names what it actually cost. Template analytics give Meta's own daily figures.
    It ends with Export-MMCampaignReport: one HTML page of both campaigns, priced with the sample rate card (rates.csv)
    and set against the actual prices, written to -ReportPath.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Dialog360.MM/Dialog360.MM.psd1'),
    # Where the campaign report goes (replaced if it exists); ./build.ps1 Demo keeps it in out/demo/.
    [string] $ReportPath = (Join-Path ([IO.Path]::GetTempPath()) 'dialog360-demo-report.html')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force

function Show-Step([string] $Text) { Write-Host "`n== $Text" -ForegroundColor Cyan }

$work = Join-Path ([IO.Path]::GetTempPath()) "dialog360-demo-$PID"
$null = New-Item -ItemType Directory -Force -Path $work
$journal = Join-Path $work 'spring.journal'
$flashJournal = Join-Path $work 'flash.journal'
$events = Join-Path $work 'events.jsonl'
$optOutList = Join-Path $work 'optouts.jsonl'
$audience = Join-Path $PSScriptRoot 'audience.csv'
$send = @{
    TemplateName = 'spring_sale'; BodyParameterProperty = 'FirstName', 'Discount'; DefaultRegion = 'GB'
    CallbackData = 'spring-demo'; ActivitySharing = $true; JournalPath = $journal; SuppressionPath = $optOutList
}
try {
    Show-Step 'Start a webhook receiver (what your endpoint would be) and the emulator posting to it'
    $secret = ConvertTo-SecureString "demo-$PID" -AsPlainText -Force
    $receiver = Start-MMWebhookReceiver -Path $events -Secret $secret
    # -TimeScale 0.001: the platform's minutes pass in milliseconds. -Seed: the same outcome every run. -Currency: the
    # WABA is billed in euros, as the sample rate card is.
    $emulator = Start-MMEmulator -FailRecipient @{ '+447700900003' = 131050 } -WebhookUrl $receiver.BaseUri -WebhookSecret $secret `
        -TimeScale 0.001 -Seed 17 -DeliveredRate 0.85 -ReadRate 0.7 -ClickRate 0.6 -OptOutRate 0.2 -UsernameRecipient '+447911123457' -Currency EUR
    Write-Host "Emulator $($emulator.BaseUri) posts signed webhooks to receiver $($receiver.BaseUri), stored in $events"

    Show-Step 'Connect, and check onboarding and the template before spending anything'
    $emulator | Connect-MMAccount -Name demo
    Test-MMOnboarding | Format-Table Account, IsOnboarded, Status | Out-Host
    Get-MMTemplate -Name spring_sale | Out-Host

    Show-Step 'Send the campaign: Import-Csv audience.csv | Send-MarketingMessage ... -ActivitySharing -JournalPath ... -SuppressionPath ...'
    $results = Import-Csv $audience | Send-MarketingMessage @send -ErrorVariable sendErrors -ErrorAction SilentlyContinue
    $results | Sort-Object Status, To | Format-Table To, Status, UserId, ErrorCode | Out-Host
    foreach ($e in $sendErrors) {
        Write-Host ("{0,-16} {1,-20} {2}" -f $e.TargetObject, $e.FullyQualifiedErrorId.Split(',')[0],
            $(if ($e.ErrorDetails.RecommendedAction) { $e.ErrorDetails.RecommendedAction } else { $e.Exception.Message }))
    }

    Show-Step 'Wait for the webhooks: sent, delivered, read, clicks, opt-outs'
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ($emulator.WebhooksPending -gt 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
    Get-MMEmulator | Out-Host
    Write-Host "The receiver stored $($receiver.StoredCount) deliveries and refused $($receiver.RejectedCount) (every one is signed)."

    Show-Step 'The funnel: Measure-MMCampaign -Path events.jsonl (the file is read without an object per event)'
    Measure-MMCampaign -Path $events | Format-Table Campaign, Messages, Sent, Delivered, Read, Failed, Clicked | Out-Host

    Show-Step 'What failed: ConvertFrom-MMWebhook -Path events.jsonl, as objects to filter'
    $webhooks = ConvertFrom-MMWebhook -Path $events
    $webhooks | Where-Object EventType -eq 'Status' | Where-Object Status -eq 'failed' | Format-Table RecipientId, ErrorCode, ErrorTitle | Out-Host

    Show-Step 'Who opted out (user_preferences stop webhooks): a username user is named by BSUID only'
    $optOuts = @($webhooks | Where-Object EventType -eq 'UserPreference' | Where-Object IsStop)
    foreach ($o in $optOuts) { Write-Host "  $(if ($o.WaId) { "+$($o.WaId)" } else { "$($o.UserId) (no number in the webhook)" }) stopped marketing messages" }
    if (-not $optOuts) { Write-Host '  nobody' }

    Show-Step 'Honour the opt-outs: Add-MMSuppression -WebhookFile events.jsonl -Path optouts.jsonl'
    Add-MMSuppression -WebhookFile $events -Path $optOutList -Confirm:$false | Out-Null
    # Eve's 131050 went on the list during the send; the stop from the webhooks joins her.
    Get-MMSuppression -Path $optOutList | Format-Table Phone, UserId, Reason, Source | Out-Host
    # Bob's stop names only his BSUID; the answer to the send paired it with his number, so his number finds it.
    $bob = Get-MMSuppression -Path $optOutList -Phone '+44 7911 123457'
    Write-Host "Get-MMSuppression -Phone '+44 7911 123457' finds $($bob.UserId): $($bob.Reason) ($($bob.Source | Split-Path -Leaf))"

    Show-Step 'Run it again with the same journal and list (as after a crash): nobody is messaged twice, opt-outs are held back'
    Import-Csv $audience | Send-MarketingMessage @send -ErrorAction SilentlyContinue |
        Group-Object Status -NoElement | Format-Table Name, Count | Out-Host
    Write-Host "The emulator accepted $($emulator.Accepted) sends in all; per number: $(
        ($emulator.AcceptedByRecipient.GetEnumerator() | Sort-Object Key | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join ', ')"

    Show-Step 'A flash sale with a max price: flash_sale pays at most 0.05 EUR a delivery (New-MMTemplate -MaxPrice sets one)'
    # The template keeps bid_amount per 1,000 deliveries in cents; it does not name the WABA's currency, so say it.
    $maxPrice = (Get-MMTemplate -Name flash_sale).MaxPrice
    Write-Host "flash_sale: $($maxPrice.InCurrency('EUR')) (bid_amount $($maxPrice.BidAmount) per 1,000 deliveries)"
    $flash = @{
        TemplateName = 'flash_sale'; BodyParameterProperty = 'FirstName'; DefaultRegion = 'GB'
        CallbackData = 'flash-demo'; JournalPath = $flashJournal; SuppressionPath = $optOutList
    }
    Import-Csv $audience | Send-MarketingMessage @flash -ErrorAction SilentlyContinue |
        Group-Object Status -NoElement | Format-Table Name, Count | Out-Host
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ($emulator.WebhooksPending -gt 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }

    Show-Step 'What each campaign cost: Measure-MMCampaign -GroupBy CallbackData -RateCard rates.csv (actual where the webhooks name it)'
    $rates = Join-Path $PSScriptRoot 'rates.csv'
    Measure-MMCampaign -Path $events -RateCard $rates -GroupBy CallbackData |
        Format-Table Campaign, Delivered, ActualCost, ActualCurrency, EstimatedCost | Out-Host

    Show-Step 'Template analytics: Enable-MMTemplateAnalytics, then Get-MMTemplateAnalytics -Name spring_sale, flash_sale'
    Enable-MMTemplateAnalytics
    $analytics = Get-MMTemplateAnalytics -Name spring_sale, flash_sale -Start ([DateTime]::UtcNow.Date)
    $analytics | Out-Host

    Show-Step 'The campaign report: Export-MMCampaignReport -Path events.jsonl -JournalPath ... -RateCard rates.csv -Analytics ... -OutFile ...'
    $report = Export-MMCampaignReport -Path $events -JournalPath $journal -RateCard $rates -Analytics $analytics -GroupBy CallbackData `
        -OutFile $ReportPath -Title 'Spring and flash sales' -Force -PassThru
    Write-Host "One HTML page, nothing to load, for people who asked for the campaign: $($report.FullName) ($('{0:N0}' -f $report.Length) bytes)"
} finally {
    Show-Step 'Stop the emulator and the receiver'
    Get-MMAccount | Disconnect-MMAccount -Confirm:$false
    Stop-MMEmulator
    Stop-MMWebhookReceiver
    if (-not $env:MM_DEMO_KEEP) { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }
}

<#
.SYNOPSIS
    The offline tour of Dialog360.MM: emulator, account, a small campaign from a CSV, the results.
.DESCRIPTION
    Nothing here leaves this machine: the "API" is the module's emulator on 127.0.0.1.
    In the sample audience, Eve has stopped marketing messages (the emulator answers 131050 for her) and
    Hugo's number is too short for the UK, so both fail, each with its own error; Grace's national number is
    read with -DefaultRegion GB.
#>
param([string] $ModulePath = (Join-Path $PSScriptRoot '../out/Dialog360.MM/Dialog360.MM.psd1'))
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force

function Show-Step([string] $Text) { Write-Host "`n== $Text" -ForegroundColor Cyan }

Show-Step 'Start the emulator (a local stand-in for https://waba-v2.360dialog.io)'
$emulator = Start-MMEmulator -FailRecipient @{ '+447700900003' = 131050 }
$emulator | Format-Table BaseUri, IsRunning | Out-Host
try {
    Show-Step 'Connect an account (the key is checked with one read; only its last 4 characters are shown)'
    $emulator | Connect-MMAccount -Name demo -PassThru | Out-Host

    Show-Step 'Is the business onboarded to the MM API? Which marketing templates are approved?'
    Test-MMOnboarding | Format-Table Account, IsOnboarded, Status | Out-Host
    Get-MMTemplate -Category Marketing -Status approved | Out-Host

    Show-Step 'Preview with -WhatIf: nothing is sent'
    Import-Csv (Join-Path $PSScriptRoot 'audience.csv') | Select-Object -First 2 |
        Send-MarketingMessage -TemplateName spring_sale -BodyParameterProperty FirstName, Discount -DefaultRegion GB -WhatIf

    $journal = Join-Path ([IO.Path]::GetTempPath()) "dialog360-demo-$PID.journal"
    Show-Step 'Send the campaign: Import-Csv audience.csv | Send-MarketingMessage -BodyParameterProperty FirstName, Discount -JournalPath ...'
    $results = Import-Csv (Join-Path $PSScriptRoot 'audience.csv') |
        Send-MarketingMessage -TemplateName spring_sale -BodyParameterProperty FirstName, Discount -DefaultRegion GB `
            -CallbackData spring-demo -JournalPath $journal -ErrorVariable sendErrors -ErrorAction SilentlyContinue
    $results | Sort-Object Status, To | Format-Table To, Status, MessageId, ErrorCode | Out-Host

    Show-Step 'What failed, and what to do about it (ErrorId and recommended action)'
    foreach ($e in $sendErrors) {
        Write-Host ("{0,-16} {1,-20} {2}" -f $e.TargetObject, $e.FullyQualifiedErrorId.Split(',')[0],
            $(if ($e.ErrorDetails.RecommendedAction) { $e.ErrorDetails.RecommendedAction } else { $e.Exception.Message }))
    }

    Show-Step 'Run it again with the same journal (as after a crash): nobody is messaged twice'
    Import-Csv (Join-Path $PSScriptRoot 'audience.csv') |
        Send-MarketingMessage -TemplateName spring_sale -BodyParameterProperty FirstName, Discount -DefaultRegion GB `
            -CallbackData spring-demo -JournalPath $journal -ErrorAction SilentlyContinue |
        Group-Object Status -NoElement | Format-Table Name, Count | Out-Host
    Remove-Item $journal -ErrorAction SilentlyContinue

    Show-Step 'Summary'
    $results | Group-Object Status -NoElement | Format-Table Name, Count | Out-Host
    Write-Host "The emulator received $($emulator.RequestCount) requests; one body it accepted:"
    Write-Host ($emulator.Requests | Where-Object StatusCode -eq 200 | Where-Object Method -eq POST | Select-Object -First 1).Body
} finally {
    Show-Step 'Stop the emulator'
    Get-MMAccount | Disconnect-MMAccount -Confirm:$false
    Stop-MMEmulator
}

<#
.SYNOPSIS
    Send-MarketingMessage throughput and memory against the emulator with 50 ms latency, beside the usual baselines.
.DESCRIPTION
    The emulator runs in its own pwsh process (so its work and memory are not the sender's). In the same run:
      - Send-MarketingMessage, 4,000 messages: target >= 1,000 msg/s;
      - a naive Invoke-RestMethod loop (what admins write today), 200 messages;
      - ForEach-Object -Parallel -ThrottleLimit 32 with Invoke-RestMethod, 1,000 messages;
      - 100,000 recipients streamed from a CSV by a separate pwsh process: target peak working set < 150 MB.
    Exits 1 when a target is missed.
#>
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
# Child processes run elsewhere: they get the module's full path.
$ModulePath = (Resolve-Path $ModulePath).ProviderPath
$work = Join-Path ([IO.Path]::GetTempPath()) "mm-bench-$PID"
$null = New-Item -ItemType Directory -Force $work
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force
function Start-Pwsh([string] $Script, [string] $Name) { Start-BenchPwsh -Work $work -Name $Name -Script $Script }

$emulator = Start-BenchEmulator -ModulePath $ModulePath -Work $work
try {
    $key = $emulator.Key
    $baseUri = $emulator.BaseUri
    Import-Module $ModulePath
    Connect-MMAccount -ApiKey (ConvertTo-SecureString $key -AsPlainText -Force) -BaseUri $baseUri -Name bench -MessagesPerSecond 5000
    $numbers = 1..4000 | ForEach-Object { '4479{0:D8}' -f $_ }
    $body = { param($to) "{`"messaging_product`":`"whatsapp`",`"recipient_type`":`"individual`",`"to`":`"$to`",`"type`":`"template`",`"template`":{`"name`":`"welcome_offer`",`"language`":{`"code`":`"en`",`"policy`":`"deterministic`"}}}" }
    $headers = @{ 'D360-API-KEY' = $key }
    $uri = "$($baseUri.TrimEnd('/'))/marketing_messages"

    # Warm-up: JIT, connections.
    $null = $numbers | Select-Object -First 200 | Send-MarketingMessage -TemplateName welcome_offer -Account bench -ThrottleLimit 128

    $watch = [Diagnostics.Stopwatch]::StartNew()
    $results = $numbers | Send-MarketingMessage -TemplateName welcome_offer -Account bench -ThrottleLimit 128
    $ours = $results.Count / $watch.Elapsed.TotalSeconds
    $accepted = @($results | Where-Object Status -eq 'Accepted').Count

    $watch.Restart()
    foreach ($n in $numbers | Select-Object -First 200) { $null = Invoke-RestMethod -Method Post -Uri $uri -Headers $headers -ContentType 'application/json' -Body (& $body $n) }
    $naive = 200 / $watch.Elapsed.TotalSeconds

    $watch.Restart()
    $bodyText = $body.ToString()
    $numbers | Select-Object -First 1000 | ForEach-Object -ThrottleLimit 32 -Parallel {
        $make = [scriptblock]::Create($using:bodyText)
        $null = Invoke-RestMethod -Method Post -Uri $using:uri -Headers $using:headers -ContentType 'application/json' -Body (& $make $_)
    }
    $parallel = 1000 / $watch.Elapsed.TotalSeconds

    # Memory: recipients streamed from a CSV by a fresh process (default -ThrottleLimit), results written to a CSV;
    # 10,000 then 100,000, to show memory does not grow with the campaign.
    # For scale: Import-Csv | Select-Object | Export-Csv of the 100,000-row file alone peaks at about 135 MB in pwsh 7.6.
    function Measure-Campaign([int] $Rows) {
        $csv = Join-Path $work "audience-$Rows.csv"
        $writer = [IO.StreamWriter]::new($csv)
        $writer.WriteLine('Phone,FirstName')
        for ($i = 1; $i -le $Rows; $i++) { $writer.WriteLine(('+4479{0:D8},Name{0}' -f $i)) }
        $writer.Dispose()
        $memoryFile = Join-Path $work "memory-$Rows.txt"
        $resultsFile = Join-Path $work "results-$Rows.csv"
        $sender = Start-Pwsh -Name "sender-$Rows" -Script @"
Import-Module '$ModulePath'
Connect-MMAccount -ApiKey (ConvertTo-SecureString '$key' -AsPlainText -Force) -BaseUri '$baseUri' -SkipValidation -MessagesPerSecond 5000
`$w = [Diagnostics.Stopwatch]::StartNew()
Import-Csv '$csv' | Send-MarketingMessage -TemplateName welcome_offer -ProgressAction SilentlyContinue |
    Export-Csv '$resultsFile' -NoTypeInformation
`$p = [Diagnostics.Process]::GetCurrentProcess(); `$p.Refresh()
# What the run still holds once garbage is gone: it shows whether memory grows with the campaign, which the peak
# (mostly pwsh itself, and the collector's timing) cannot.
Set-Content '$memoryFile' "`$(`$p.PeakWorkingSet64) `$(`$w.Elapsed.TotalSeconds) `$([GC]::GetTotalMemory(`$true))"
"@
        $sender.WaitForExit()
        $peak, $seconds, $retained = (Get-Content $memoryFile).Split(' ')
        [pscustomobject]@{ Rows = $Rows; Results = (Get-Content $resultsFile | Measure-Object -Line).Lines - 1
                           Seconds = [double]$seconds; PeakMB = [double]$peak / 1MB; RetainedMB = [double]$retained / 1MB }
    }
    $small = Measure-Campaign 10000
    $large = Measure-Campaign 100000
    $rows = $large.Results; $seconds = $large.Seconds; $peakMB = $large.PeakMB

    $table = @(
        [pscustomobject]@{ Method = 'Send-MarketingMessage -ThrottleLimit 128'; Messages = $numbers.Count; 'msg/s' = [math]::Round($ours); 'vs naive' = '{0:0.0}x' -f ($ours / $naive) }
        [pscustomobject]@{ Method = 'ForEach-Object -Parallel -ThrottleLimit 32'; Messages = 1000; 'msg/s' = [math]::Round($parallel); 'vs naive' = '{0:0.0}x' -f ($parallel / $naive) }
        [pscustomobject]@{ Method = 'Invoke-RestMethod loop'; Messages = 200; 'msg/s' = [math]::Round($naive); 'vs naive' = '1.0x' }
    )
    $table | Format-Table -AutoSize | Out-Host
    Write-Host ("Send-MarketingMessage is {0:0.0}x the -Parallel baseline; {1} of {2} accepted." -f ($ours / $parallel), $accepted, $numbers.Count)
    Write-Host ("10,000 recipients from CSV: {0} results in {1:0} s, peak working set {2:0} MB, managed heap after a full collection {3:0.0} MB." -f $small.Results, $small.Seconds, $small.PeakMB, $small.RetainedMB)
    Write-Host ("100,000 recipients from CSV: {0} results in {1:0} s ({2:0} msg/s), peak working set {3:0} MB (target < 150 MB; {4:+0;-0} MB against 10,000), managed heap after a full collection {5:0.0} MB." -f $rows, $seconds, ($rows / $seconds), $peakMB, ($peakMB - $small.PeakMB), $large.RetainedMB)

    $failed = $false
    if ($ours -lt 1000) { Write-Host "MISSED: $([math]::Round($ours)) msg/s < 1,000." -ForegroundColor Red; $failed = $true }
    if ($accepted -ne $numbers.Count) { Write-Host "MISSED: only $accepted of $($numbers.Count) accepted." -ForegroundColor Red; $failed = $true }
    if ($peakMB -ge 150) { Write-Host "MISSED: peak working set $([math]::Round($peakMB)) MB >= 150 MB." -ForegroundColor Red; $failed = $true }
    if ($rows -ne 100000) { Write-Host "MISSED: $rows results for 100,000 recipients." -ForegroundColor Red; $failed = $true }
    if ($failed) { exit 1 }
} finally {
    Stop-BenchEmulator $emulator
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

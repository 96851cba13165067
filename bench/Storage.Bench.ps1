<#
.SYNOPSIS
    State in Azure Storage against state in files, with Azurite on this machine and the emulator at 50 ms latency.
.DESCRIPTION
    Azurite (installed by tests/tools/Azurite.psm1, as the tests do) and the emulator run in processes of their own.
    In the same run, alternating so that the machine's load falls on both alike:
      - Send-MarketingMessage -MessagesPerSecond 1000 with a journal and a suppression list in files, 4,000 messages;
      - the same with both in an Azure Storage container: target >= 0.9x the files' rate;
      - opening state for a suppression list of 100,000 entries in the container (Get-MMSuppression of one number,
        in a fresh process, minus that process's time for a list of one entry): target < 2 s.
    Exits 1 when a target is missed.
#>
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path $ModulePath).ProviderPath
$root = Split-Path -Parent $PSScriptRoot
$work = Join-Path ([IO.Path]::GetTempPath()) "mm-bench-storage-$PID"
$null = New-Item -ItemType Directory -Force $work
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force
Import-Module (Join-Path $root 'tests/tools/Azurite.psm1') -Force

function Start-Pwsh([string] $Script, [string] $Name) { Start-BenchPwsh -Work $work -Name $Name -Script $Script }

$azurite = $emulator = $null
try {
    $azurite = Start-Azurite -Script (Install-Azurite -Destination (Join-Path $root 'out/tools/azurite')) -Location (Join-Path $work 'azurite')
    $emulator = Start-BenchEmulator -ModulePath $ModulePath -Work $work
    $key = $emulator.Key
    $baseUri = $emulator.BaseUri
    Import-Module $ModulePath
    $apiKey = ConvertTo-SecureString $key -AsPlainText -Force
    $storage = ConvertTo-SecureString $azurite.ConnectionString -AsPlainText -Force
    Connect-MMAccount -Name files -ApiKey $apiKey -BaseUri $baseUri -MessagesPerSecond 1000 -SuppressionPath (Join-Path $work 'optouts.jsonl')
    Connect-MMAccount -Name stored -ApiKey $apiKey -BaseUri $baseUri -MessagesPerSecond 1000 -StorageConnectionString $storage -StorageContainer bench -SuppressionPath optouts
    $null = Add-MMSuppression -Phone '+447700900000' -Account files
    $null = Add-MMSuppression -Phone '+447700900000' -Account stored

    # Warm-up of both paths: JIT, connections, the SDK's first requests.
    $null = 1..300 | ForEach-Object { '4478{0:D8}' -f $_ } | Send-MarketingMessage -TemplateName welcome_offer -Account files -JournalPath (Join-Path $work 'warm.jsonl')
    $null = 1..300 | ForEach-Object { '4478{0:D8}' -f $_ } | Send-MarketingMessage -TemplateName welcome_offer -Account stored -JournalPath warm

    $rates = @{ files = [Collections.Generic.List[double]]::new(); stored = [Collections.Generic.List[double]]::new() }
    foreach ($round in 1..2) {
        foreach ($account in 'files', 'stored') {
            $numbers = 1..4000 | ForEach-Object { '44{0}{1}{2:D7}' -f $round, ($account.Length % 10), $_ }
            $journal = if ($account -eq 'files') { Join-Path $work "round$round.jsonl" } else { "round$round" }
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $summary = $numbers | Send-MarketingMessage -TemplateName welcome_offer -Account $account -JournalPath $journal -Summary
            $rate = $summary.Total / $watch.Elapsed.TotalSeconds
            if ($summary.Accepted -ne $numbers.Count) { throw "$account round ${round}: only $($summary.Accepted) of $($numbers.Count) accepted." }
            $rates[$account].Add($rate)
        }
    }
    $filesRate = ($rates.files | Measure-Object -Maximum).Maximum
    $storedRate = ($rates.stored | Measure-Object -Maximum).Maximum

    # A list of 100,000 people in the container, written as Add-MMSuppression writes (batches of 1,000).
    $entries = 1..100000 | ForEach-Object { [pscustomobject]@{ Phone = '+4475{0:D8}' -f $_; Reason = 'bench' } }
    $entries | Add-MMSuppression -Account stored -Path big
    $opener = {
        param([string] $List)
        @"
Import-Module '$ModulePath'
Connect-MMAccount -ApiKey (ConvertTo-SecureString '$key' -AsPlainText -Force) -BaseUri '$baseUri' -SkipValidation -StorageConnectionString (ConvertTo-SecureString '$($azurite.ConnectionString)' -AsPlainText -Force) -StorageContainer bench
`$w = [Diagnostics.Stopwatch]::StartNew()
`$found = Get-MMSuppression -Path $List -Phone '+447500050000' -ErrorAction SilentlyContinue
Set-Content '$work/open-$List.txt' "`$(`$w.Elapsed.TotalSeconds)"
"@
    }
    $open = @{}
    foreach ($list in 'optouts', 'big', 'optouts', 'big') {
        $p = Start-Pwsh -Name "open-$list" -Script (& $opener $list)
        $p.WaitForExit()
        $seconds = [double](Get-Content (Join-Path $work "open-$list.txt") -Raw)
        if (-not $open.ContainsKey($list) -or $seconds -lt $open[$list]) { $open[$list] = $seconds }
    }
    $openBig = $open.big - $open.optouts

    [pscustomobject]@{ State = 'files (journal and list)'; 'msg/s' = [math]::Round($filesRate); Runs = ($rates.files | ForEach-Object { [math]::Round($_) }) -join ', ' },
    [pscustomobject]@{ State = 'Azure Storage (Azurite)'; 'msg/s' = [math]::Round($storedRate); Runs = ($rates.stored | ForEach-Object { [math]::Round($_) }) -join ', ' } |
        Format-Table -AutoSize | Out-Host
    Write-Host ("State in storage sends at {0:0.00}x the rate of state in files (target >= 0.90), 4,000 messages at 1,000 msg/s and 50 ms API latency." -f ($storedRate / $filesRate))
    Write-Host ("Opening a 100,000-entry suppression list in storage: {0:0.00} s (target < 2 s; a fresh process took {1:0.00} s for the whole lookup, {2:0.00} s with a one-entry list)." -f $openBig, $open.big, $open.optouts)

    $failed = $false
    if ($storedRate -lt 0.9 * $filesRate) { Write-Host "MISSED: $([math]::Round($storedRate)) msg/s < 0.9 x $([math]::Round($filesRate))." -ForegroundColor Red; $failed = $true }
    if ($openBig -ge 2) { Write-Host ("MISSED: opening the 100,000-entry list took {0:0.00} s." -f $openBig) -ForegroundColor Red; $failed = $true }
    if ($failed) { exit 1 }
} finally {
    if ($emulator) { Stop-BenchEmulator $emulator }
    if ($azurite) { Stop-Azurite $azurite }
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

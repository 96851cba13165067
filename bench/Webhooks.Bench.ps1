<#
.SYNOPSIS
    The campaign funnel straight from a webhook file, each way in a fresh pwsh process, on one generated
    JSON lines file of status events (two per delivery, ~420 bytes per event, 25,000 distinct messages):
    - Import-Module + Measure-MMCampaign -Path (the file folded in Core, no object per event);
    - Import-Module + ConvertFrom-MMWebhook -Path | Measure-MMCampaign (one object per event through the pipeline);
    - the hand-written way: ConvertFrom-Json per line and a hashtable funnel (furthest state per message).
    Target: Measure-MMCampaign -Path at least 10 times faster than the hand-written way in wall-clock time,
    import included, same funnel. The CPU time of each process (JIT and GC threads included) is printed beside it:
    on a shared machine wall-clock time stretches with whatever else runs, CPU time much less.
    Also: Import-Module alone, the first call (and the JIT time in it), the best of four later calls in the same
    process (the first call's warm-up is the difference), and the peak working set of Measure-MMCampaign -Path on a quarter of the file
    and on the whole file: flat, since both hold the same 25,000 messages (memory grows with distinct messages, not
    with the file).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Events = 294000,
    [double] $Target = 10,
    # Each way runs this many times, each in a fresh process, and the fastest run counts: on a shared machine the
    # fastest is the one least disturbed by other work.
    [int] $Runs = 5
)
$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path $ModulePath).ProviderPath

$folder = Join-Path ([IO.Path]::GetTempPath()) "mm-webhook-bench-$PID"
$null = New-Item -ItemType Directory -Force -Path $folder
$big = Join-Path $folder 'events.jsonl'
$quarter = Join-Path $folder 'events-quarter.jsonl'

# Two statuses per delivery, as Meta batches them under load; message ids repeat every 25,000 events.
function Write-StatusFile([string] $Path, [int] $Count) {
    $statuses = 'sent', 'delivered', 'read', 'failed'
    $writer = [IO.StreamWriter]::new($Path, $false, [Text.UTF8Encoding]::new($false))
    try {
        for ($i = 0; $i -lt $Count; $i++) {
            if ($i % 2 -eq 0) {
                $writer.Write('{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"statuses":[')
            } else {
                $writer.Write(',')
            }
            $status = $statuses[$i % 4]
            $writer.Write('{"id":"wamid.HBgLNDQ3NzAwOTAwMDAxFQIAERgSQjVDRjQ2RTk'); $writer.Write(($i % 25000).ToString('d8'))
            $writer.Write('AA==","status":"'); $writer.Write($status)
            $writer.Write('","timestamp":"'); $writer.Write((1750263773 + $i).ToString())
            $writer.Write('","recipient_id":"4477009'); $writer.Write(($i % 25000).ToString('d5'))
            $writer.Write('","biz_opaque_callback_data":"spring-2026-wave-'); $writer.Write(($i % 3).ToString())
            if ($status -eq 'failed') {
                $writer.Write('","errors":[{"code":131049,"title":"This message was not delivered to maintain healthy ecosystem engagement.","error_data":{"details":"Healthy ecosystem engagement"}}]}')
            } else {
                # Per-message pricing (PMP): no conversation object.
                $writer.Write('","pricing":{"billable":true,"pricing_model":"PMP","category":"marketing_lite","type":"regular"}}')
            }
            if ($i % 2 -eq 1 -or $i -eq $Count - 1) { $writer.Write(']},"field":"messages"}]}]}'); $writer.Write("`n") }
        }
    } finally { $writer.Dispose() }
}

# The pwsh running this script, so the children use the same PowerShell (build.ps1 runs us through `dotnet pwsh`).
$pwsh = @([Environment]::ProcessPath)
if ([IO.Path]::GetFileNameWithoutExtension($pwsh[0]) -eq 'dotnet') { $pwsh += Join-Path $PSHOME 'pwsh.dll' }

# Runs a script $Runs times, each in a fresh pwsh process; the script's last output line is JSON with its figures.
# Returns the last run's figures with each timing replaced by its best over the runs.
# -TieredPgoOff runs the children with DOTNET_TieredPGO=0: a diagnosis only (a module cannot set it for its session).
function Invoke-Fresh([string] $Name, [string] $Script, [string[]] $Arguments, [int] $Times = $Runs, [switch] $TieredPgoOff) {
    $file = Join-Path $folder "$Name.ps1"
    Set-Content -LiteralPath $file -Value $Script -Encoding utf8
    $all = @($pwsh | Select-Object -Skip 1) + @('-NoLogo', '-NoProfile', '-NonInteractive', '-File', $file) + $Arguments
    $results = foreach ($run in 1..$Times) {
        $pgo = $env:DOTNET_TieredPGO
        if ($TieredPgoOff) { $env:DOTNET_TieredPGO = '0' }
        try { $output = & $pwsh[0] @all } finally { $env:DOTNET_TieredPGO = $pgo }
        if ($LASTEXITCODE -ne 0) { throw "$Name failed (exit $LASTEXITCODE): $output" }
        @($output)[-1] | ConvertFrom-Json
    }
    $best = @($results)[-1]
    foreach ($figure in 'Seconds', 'Cpu', 'Import', 'First', 'Jit', 'AllocMB', 'Again', 'PeakMB') {
        if ($best.PSObject.Properties[$figure]) { $best.$figure = ($results | Measure-Object $figure -Minimum).Minimum }
    }
    $best
}

$peak = 'function Get-PeakMB { $p = [Diagnostics.Process]::GetCurrentProcess(); $p.Refresh(); [math]::Round($p.PeakWorkingSet64 / 1MB, 1) }'
# CPU time of the whole process (JIT and GC threads included): what the work costs, whatever else the machine runs.
$cpu = 'function Get-CpuSeconds { [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalSeconds }'
$funnelOf = 'function Get-Funnel($rows) { $r = @($rows)[0]; [ordered]@{ Messages = $r.Messages; Sent = $r.Sent; Delivered = $r.Delivered; Read = $r.Read; Failed = $r.Failed } }'

$fromFile = @"
param(`$module, `$file)
$peak
$cpu
$funnelOf
`$cpu0 = Get-CpuSeconds
`$watch = [Diagnostics.Stopwatch]::StartNew()
Import-Module `$module
`$imported = `$watch.Elapsed.TotalSeconds
`$jit0 = [System.Runtime.JitInfo]::GetCompilationTime(`$false).TotalSeconds
`$alloc0 = [GC]::GetTotalAllocatedBytes(`$false)
`$rows = Measure-MMCampaign -Path `$file
`$watch.Stop()
`$allocMB = ([GC]::GetTotalAllocatedBytes(`$false) - `$alloc0) / 1MB
`$jit = [System.Runtime.JitInfo]::GetCompilationTime(`$false).TotalSeconds - `$jit0
`$cpuSeconds = (Get-CpuSeconds) - `$cpu0
`$total = `$watch.Elapsed.TotalSeconds
# The runtime keeps recompiling hot code for a while (tiered JIT), so the second call is not yet the steady speed:
# the best of four later calls is.
`$again = foreach (`$call in 1..4) {
    `$watch = [Diagnostics.Stopwatch]::StartNew()
    `$null = Measure-MMCampaign -Path `$file
    `$watch.Elapsed.TotalSeconds
}
@{ Seconds = `$total; Cpu = `$cpuSeconds; Import = `$imported; First = `$total - `$imported; Jit = `$jit; AllocMB = `$allocMB; Again = (`$again | Measure-Object -Minimum).Minimum; PeakMB = (Get-PeakMB); Funnel = (Get-Funnel `$rows) } | ConvertTo-Json -Compress
"@
# The peak of the first call only (the second call above would not raise it, but keep the two figures apart).
$peakOnly = @"
param(`$module, `$file)
$peak
Import-Module `$module
`$null = Measure-MMCampaign -Path `$file
@{ PeakMB = (Get-PeakMB) } | ConvertTo-Json -Compress
"@
$piped = @"
param(`$module, `$file)
$cpu
$funnelOf
`$cpu0 = Get-CpuSeconds
`$watch = [Diagnostics.Stopwatch]::StartNew()
Import-Module `$module
`$rows = ConvertFrom-MMWebhook -Path `$file | Measure-MMCampaign
`$watch.Stop()
@{ Seconds = `$watch.Elapsed.TotalSeconds; Cpu = (Get-CpuSeconds) - `$cpu0; Funnel = (Get-Funnel `$rows) } | ConvertTo-Json -Compress
"@
# The same funnel by hand: each message at its furthest state; failed only if never delivered. Lines come from
# [IO.File]::ReadLines, the fastest hand-written way (Get-Content | ConvertFrom-Json took over twice as long here).
$handWritten = @'
param($file)
$cpu0 = [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalSeconds
$watch = [Diagnostics.Stopwatch]::StartNew()
$rank = @{ sent = 1; delivered = 2; read = 3 }
$furthest = @{}
$failed = @{}
foreach ($line in [IO.File]::ReadLines($file)) {
    if (-not $line) { continue }
    $delivery = ConvertFrom-Json $line
    foreach ($entry in $delivery.entry) {
        foreach ($change in $entry.changes) {
            foreach ($s in $change.value.statuses) {
                $id = $s.id
                $r = $rank[$s.status]
                $known = $furthest[$id]
                if ($null -eq $known) { $furthest[$id] = [int]$r; $known = [int]$r }
                elseif ($r -gt $known) { $furthest[$id] = $r }
                if ($s.status -eq 'failed') { $failed[$id] = $true }
            }
        }
    }
}
$sent = 0; $delivered = 0; $read = 0; $failedCount = 0
foreach ($pair in $furthest.GetEnumerator()) {
    if ($failed[$pair.Key] -and $pair.Value -lt 2) { $failedCount++; continue }
    if ($pair.Value -ge 1) { $sent++ }
    if ($pair.Value -ge 2) { $delivered++ }
    if ($pair.Value -ge 3) { $read++ }
}
$watch.Stop()
@{ Seconds = $watch.Elapsed.TotalSeconds; Cpu = [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalSeconds - $cpu0; Funnel = [ordered]@{ Messages = $furthest.Count; Sent = $sent; Delivered = $delivered; Read = $read; Failed = $failedCount } } | ConvertTo-Json -Compress
'@

try {
    Write-StatusFile $quarter ($Events / 4)
    Write-StatusFile $big $Events
    $sizeMB = [math]::Round((Get-Item $big).Length / 1MB, 1)
    $quarterMB = [math]::Round((Get-Item $quarter).Length / 1MB, 1)
    "File: $sizeMB MB, $Events status events in JSON lines, 25,000 distinct messages; each figure the best of up to $Runs fresh pwsh processes."

    $ours = Invoke-Fresh 'from-file' $fromFile @($ModulePath, $big)
    $noPgo = Invoke-Fresh 'from-file-no-pgo' $fromFile @($ModulePath, $big) -TieredPgoOff
    $pipeline = Invoke-Fresh 'pipeline' $piped @($ModulePath, $big)
    # The hand-written way runs for many seconds, long enough for disturbances to even out: fewer runs.
    $baseline = Invoke-Fresh 'hand-written' $handWritten @($big) -Times ([math]::Max(1, [math]::Ceiling($Runs / 2)))
    $quarterPeak = Invoke-Fresh 'peak-quarter' $peakOnly @($ModulePath, $quarter)
    $fullPeak = Invoke-Fresh 'peak-full' $peakOnly @($ModulePath, $big)

    $speedup = $baseline.Seconds / $ours.Seconds
    $funnel = '{0} messages: {1} sent, {2} delivered, {3} read, {4} failed' -f $ours.Funnel.Messages, $ours.Funnel.Sent, $ours.Funnel.Delivered, $ours.Funnel.Read, $ours.Funnel.Failed
    ''
    '                                                      CPU time   wall clock'
    'Import-Module; Measure-MMCampaign -Path            : {0,7:N2} s  {1,7:N2} s' -f $ours.Cpu, $ours.Seconds
    'Import-Module; ConvertFrom-MMWebhook | Measure-...  : {0,7:N2} s  {1,7:N2} s' -f $pipeline.Cpu, $pipeline.Seconds
    'ConvertFrom-Json per line + hashtable funnel        : {0,7:N2} s  {1,7:N2} s' -f $baseline.Cpu, $baseline.Seconds
    'Speed-up of Measure-MMCampaign -Path                : {0,7:N1} x  {1,7:N1} x  (target {2} x in wall-clock time)' -f ($baseline.Cpu / $ours.Cpu), $speedup, $Target
    'Import-Module alone                                 : {0,7:N2} s' -f $ours.Import
    'First call; JIT time in it (all threads)            : {0,7:N2} s  {1,7:N2} s' -f $ours.First, $ours.Jit
    'Later call in the same process (best of four)       : {0,7:N2} s  (first-call warm-up {1:N2} s)' -f $ours.Again, ($ours.First - $ours.Again)
    'Memory allocated by the first call                  : {0,7:N0} MB' -f $ours.AllocMB
    'First call with DOTNET_TieredPGO=0 (diagnosis only) : {0,7:N2} s  (later call {1:N2} s)' -f $noPgo.First, $noPgo.Again
    'Peak working set, Measure-MMCampaign -Path          : {0} MB on the {1} MB quarter file, {2} MB on the {3} MB file' -f $quarterPeak.PeakMB, $quarterMB, $fullPeak.PeakMB, $sizeMB
    "Funnel (all three agree)                            : $funnel"

    $failed = $false
    foreach ($other in $pipeline, $baseline) {
        if (($other.Funnel | ConvertTo-Json -Compress) -ne ($ours.Funnel | ConvertTo-Json -Compress)) {
            Write-Host "Funnels differ: $($ours.Funnel | ConvertTo-Json -Compress) vs $($other.Funnel | ConvertTo-Json -Compress)" -ForegroundColor Red; $failed = $true
        }
    }
    if ($ours.Funnel.Messages -ne 25000) { Write-Host "Expected 25,000 messages, got $($ours.Funnel.Messages)." -ForegroundColor Red; $failed = $true }
    if ($speedup -lt $Target) { Write-Host "Missed the target: $([math]::Round($speedup, 1)) x < $Target x." -ForegroundColor Red; $failed = $true }
    # Flat: the file grows by three quarters of its size; the peak may move by a tenth of that at most (GC timing).
    $growth = $fullPeak.PeakMB - $quarterPeak.PeakMB
    if ($growth -gt ($sizeMB - $quarterMB) / 10) { Write-Host "Peak memory grew by $growth MB with the file." -ForegroundColor Red; $failed = $true }
    if ($failed) { exit 1 }
    Write-Host 'Target met.' -ForegroundColor Green
} finally {
    Remove-Item $folder -Recurse -Force -ErrorAction SilentlyContinue
}

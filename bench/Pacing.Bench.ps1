<#
.SYNOPSIS
    Pacing at Meta's limits, whatever the latency: throughput at high latency, and no second above the rate.
.DESCRIPTION
    The emulators run in their own pwsh process and record when each send arrives. In the same run:
      - 250 ms of latency, -MessagesPerSecond 1000, 10,000 messages, default -ThrottleLimit: target >= 950 msg/s,
        reached by the in-flight limit adapting to the latency (no tuning); the worst second is printed beside it;
      - 50 ms of latency, -MessagesPerSecond 80, 800 messages: target, no one-second window (sliding, at the emulator)
        holds more than 84 sends (the rate + 5 %).
    Each prints the mean rate and the worst second. Exits 1 when a target is missed.
#>
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
# Child processes run elsewhere: they get the module's full path.
$ModulePath = (Resolve-Path $ModulePath).ProviderPath
$work = Join-Path ([IO.Path]::GetTempPath()) "mm-pacing-$PID"
$null = New-Item -ItemType Directory -Force $work
$pwsh = [Environment]::ProcessPath
$prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
$key = 'pacing' + [guid]::NewGuid().ToString('N')
$ready = Join-Path $work 'ready'
$stopFile = Join-Path $work 'stop'

# Two emulators in one process of their own: at the stop signal each writes the arrival times (ticks) of its sends.
$script = @"
Import-Module '$ModulePath'
`$slow = Start-MMEmulator -ApiKey '$key' -Latency ([timespan]::FromMilliseconds(250))
`$fast = Start-MMEmulator -ApiKey '$key' -Latency ([timespan]::FromMilliseconds(50))
Set-Content '$ready' "`$(`$slow.BaseUri)``n`$(`$fast.BaseUri)"
`$deadline = [DateTime]::UtcNow.AddMinutes(10)
while (-not (Test-Path '$stopFile') -and [DateTime]::UtcNow -lt `$deadline) { Start-Sleep -Milliseconds 100 }
foreach (`$pair in @(@('slow', `$slow), @('fast', `$fast))) {
    `$pair[1].Requests | Where-Object { `$_.Method -eq 'POST' -and `$_.Path -like '*marketing_messages' } |
        ForEach-Object { `$_.ReceivedAt.UtcTicks } | Set-Content (Join-Path '$work' "`$(`$pair[0]).ticks")
}
Set-Content (Join-Path '$work' 'done') 'done'
"@
$encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
$emulators = Start-Process -FilePath $pwsh -ArgumentList (@($prefix) + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)) -PassThru `
    -RedirectStandardOutput (Join-Path $work 'emulator.out') -RedirectStandardError (Join-Path $work 'emulator.err')

# The largest number of arrivals within any one second (a sliding window over the sorted arrival times).
function Get-WorstSecond([long[]] $Ticks) {
    $sorted = $Ticks | Sort-Object
    $worst = 0; $start = 0
    for ($end = 0; $end -lt $sorted.Count; $end++) {
        while ($sorted[$end] - $sorted[$start] -ge [TimeSpan]::TicksPerSecond) { $start++ }
        if ($end - $start + 1 -gt $worst) { $worst = $end - $start + 1 }
    }
    $worst
}

$failed = $false
try {
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while (-not (Test-Path $ready) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
    $slowUri, $fastUri = (Get-Content $ready -ErrorAction Stop) | ForEach-Object Trim
    Import-Module $ModulePath
    $secure = ConvertTo-SecureString $key -AsPlainText -Force
    Connect-MMAccount -ApiKey $secure -BaseUri $slowUri -Name slow -SkipValidation
    Connect-MMAccount -ApiKey $secure -BaseUri $fastUri -Name fast -SkipValidation

    $numbers = 1..10000 | ForEach-Object { '4479{0:D8}' -f $_ }
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $slowResults = $numbers | Send-MarketingMessage -TemplateName welcome_offer -Account slow -MessagesPerSecond 1000 -SkipTemplateCheck
    $slowRate = $slowResults.Count / $watch.Elapsed.TotalSeconds
    $slowAccepted = @($slowResults | Where-Object Status -eq 'Accepted').Count

    $watch.Restart()
    $fastResults = $numbers | Select-Object -First 800 | Send-MarketingMessage -TemplateName welcome_offer -Account fast -MessagesPerSecond 80 -SkipTemplateCheck
    $fastRate = $fastResults.Count / $watch.Elapsed.TotalSeconds
} finally {
    Set-Content $stopFile 'stop'
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while (-not (Test-Path (Join-Path $work 'done')) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
    if (-not $emulators.HasExited) { $emulators.Kill() }
}
$slowWorst = Get-WorstSecond ([long[]](Get-Content (Join-Path $work 'slow.ticks')))
$fastWorst = Get-WorstSecond ([long[]](Get-Content (Join-Path $work 'fast.ticks')))
Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue

Write-Host ('250 ms latency, -MessagesPerSecond 1000: {0:N0} messages at {1:N0} msg/s (target >= 950), worst second {2} (rate + 5 %: 1,050); {3:N0} accepted.' -f $slowResults.Count, $slowRate, $slowWorst, $slowAccepted)
Write-Host ('50 ms latency, -MessagesPerSecond 80: {0:N0} messages at {1:N1} msg/s, worst second {2} (target <= 84).' -f $fastResults.Count, $fastRate, $fastWorst)
if ($slowRate -lt 950) { Write-Host "MISSED: $([math]::Round($slowRate)) msg/s < 950 at 250 ms." -ForegroundColor Red; $failed = $true }
# At 1,000 msg/s the worst second is printed, not judged: the client paces to the rate plus 1 % (RateLimiter.MaxLag),
# and what the emulator sees beyond that is its own scheduling on the same cores. The issue's target is the 80 msg/s one.
if ($fastWorst -gt 84) { Write-Host "MISSED: $fastWorst sends in one second > 84." -ForegroundColor Red; $failed = $true }
if ($slowAccepted -ne 10000) { Write-Host "MISSED: only $slowAccepted of 10,000 accepted." -ForegroundColor Red; $failed = $true }
if ($failed) { exit 1 }

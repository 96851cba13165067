# What the benches share: a pwsh of their own for each part, and the emulator in a process apart from the sender.

$script:Pwsh = [Environment]::ProcessPath
$script:Prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($Pwsh) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })

function Start-BenchPwsh {
    <# Starts a script in a fresh pwsh; its output goes to <Work>/<Name>.out and .err. #>
    param([Parameter(Mandatory)] [string] $Work, [Parameter(Mandatory)] [string] $Name, [Parameter(Mandatory)] [string] $Script)
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($Script))
    Start-Process -FilePath $Pwsh -ArgumentList (@($Prefix) + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)) -PassThru `
        -RedirectStandardOutput (Join-Path $Work "$Name.out") -RedirectStandardError (Join-Path $Work "$Name.err")
}

function Start-BenchEmulator {
    <#
    The emulator with -Latency in a pwsh of its own (so its work and memory are not the sender's), up to 15 minutes.
    Returns BaseUri, Key and Process; Stop-BenchEmulator ends it.
    #>
    param([Parameter(Mandatory)] [string] $ModulePath, [Parameter(Mandatory)] [string] $Work, [timespan] $Latency = [timespan]::FromMilliseconds(50))
    $key = 'bench' + [guid]::NewGuid().ToString('N')
    $uriFile = Join-Path $Work 'emulator.uri'
    $stopFile = Join-Path $Work 'emulator.stop'
    $process = Start-BenchPwsh -Work $Work -Name emulator -Script @"
Import-Module '$ModulePath'
`$e = Start-MMEmulator -ApiKey '$key' -Latency ([timespan]::FromTicks($($Latency.Ticks)))
Set-Content '$uriFile' `$e.BaseUri
`$deadline = [DateTime]::UtcNow.AddMinutes(15)
while (-not (Test-Path '$stopFile') -and [DateTime]::UtcNow -lt `$deadline) { Start-Sleep -Milliseconds 200 }
"@
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    # The file can exist a moment before its line is written.
    while (-not ((Test-Path $uriFile) -and (Get-Content $uriFile -Raw)) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
    if (-not (Test-Path $uriFile)) { throw "The emulator did not start: $(Get-Content (Join-Path $Work 'emulator.err') -Raw)" }
    [pscustomobject]@{ BaseUri = (Get-Content $uriFile -Raw).Trim(); Key = $key; Process = $process; StopFile = $stopFile }
}

function Stop-BenchEmulator {
    param([Parameter(Mandatory)] $Emulator)
    Set-Content $Emulator.StopFile 'stop'
    if (-not $Emulator.Process.WaitForExit(5000)) { $Emulator.Process.Kill() }
}

Export-ModuleMember -Function Start-BenchPwsh, Start-BenchEmulator, Stop-BenchEmulator

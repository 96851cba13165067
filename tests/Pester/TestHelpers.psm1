# Shared by the *.Tests.ps1 files: where the built module is, and an emulator + connected account per test file.
function Get-TestModulePath {
    if ($env:DIALOG360_MM_MODULE) { return $env:DIALOG360_MM_MODULE }
    Join-Path $PSScriptRoot '../../out/Dialog360.MM/Dialog360.MM.psd1'
}

function Start-TestEmulator {
    param([hashtable] $Options = @{}, [string] $AccountName = 'test')
    $emulator = Start-MMEmulator @Options
    $emulator | Connect-MMAccount -Name $AccountName
    $emulator
}

# Runs a script in a fresh pwsh (the same PowerShell that runs the tests) with extra environment variables, killing it
# after TimeoutSeconds; returns its standard output, and throws with its standard error when it fails.
function Invoke-FreshPwsh {
    param([Parameter(Mandatory)] [string] $Script, [hashtable] $Environment = @{}, [int] $TimeoutSeconds = 120)
    $info = [Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
    if ([IO.Path]::GetFileNameWithoutExtension($info.FileName) -eq 'dotnet') { $info.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
    foreach ($argument in '-NoLogo', '-NoProfile', '-NonInteractive', '-EncodedCommand',
            [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($Script))) { $info.ArgumentList.Add($argument) }
    foreach ($name in $Environment.Keys) { $info.Environment[$name] = [string]$Environment[$name] }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($info)
    try {
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
            $process.Kill($true)
            throw "The child pwsh did not finish within $TimeoutSeconds s."
        }
        $process.WaitForExit()
        if ($process.ExitCode -ne 0) { throw "The child pwsh failed (exit $($process.ExitCode)): $($stderr.Result)$($stdout.Result)" }
        $stdout.Result
    } finally { $process.Dispose() }
}

# A type of the module by name: on PowerShell 7 the module loads in a load context of its own, where type literals
# such as [Dialog360.MM.Errors.ErrorIds] do not reach.
function Get-ModuleType([Parameter(Mandatory)] [string] $FullName) {
    $found = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -like 'Dialog360.MM*' } |
        ForEach-Object { $_.GetType($FullName) } | Where-Object { $_ } | Select-Object -First 1
    if (-not $found) { throw "No loaded Dialog360.MM assembly has the type $FullName." }
    $found
}

# Starts a script in a fresh pwsh in the background, as a scheduled task would, with environment variables for the
# child only ($null removes one); its output goes to <OutputPrefix>.out and .err. The process is pwsh itself, not a
# launcher, so Kill() is a kill -9 of the run.
function Start-TestPwsh {
    param([Parameter(Mandatory)] [string] $Script, [Parameter(Mandatory)] [string] $OutputPrefix, [hashtable] $Environment = @{})
    $pwsh = [Environment]::ProcessPath
    $prefix = if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { @((Join-Path $PSHOME 'pwsh.dll')) } else { @() }
    # -EncodedCommand: Start-Process joins arguments with spaces, so a script travels encoded.
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($Script))
    Start-Process -FilePath $pwsh -ArgumentList (@($prefix) + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)) -PassThru `
        -Environment $Environment -RedirectStandardOutput "$OutputPrefix.out" -RedirectStandardError "$OutputPrefix.err"
}

# Polls a condition every 50 ms; throws, naming it, when it is not met within Seconds.
function Wait-Until([scriptblock] $Condition, [int] $Seconds = 60) {
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $Seconds s waiting for: $Condition" }
        Start-Sleep -Milliseconds 50
    }
}

Export-ModuleMember -Function Get-TestModulePath, Start-TestEmulator, Get-ModuleType, Invoke-FreshPwsh, Start-TestPwsh, Wait-Until

<#
.SYNOPSIS
    What Import-Module Dialog360.MM adds to starting pwsh: the median wall time of "pwsh -c Import-Module" minus that of
    "pwsh -c $null" over several runs each, interleaved so that both see the same machine load. Target: under 250 ms.
    Also prints Import-Module's own time measured inside the process.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Runs = 7,
    [double] $TargetMs = 250
)
$ErrorActionPreference = 'Stop'
# Child processes run elsewhere: they get the module's full path.
$ModulePath = (Resolve-Path $ModulePath).ProviderPath

# The pwsh running this script, so the child processes use the same PowerShell (a local dotnet tool or an installed one).
$pwsh = @([Environment]::ProcessPath)
if ([IO.Path]::GetFileNameWithoutExtension($pwsh[0]) -eq 'dotnet') { $pwsh += Join-Path $PSHOME 'pwsh.dll' }

function Measure-Pwsh([string] $Command) {
    $arguments = @($pwsh | Select-Object -Skip 1) + @('-NoLogo', '-NoProfile', '-NonInteractive', '-Command', $Command)
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $output = & $pwsh[0] @arguments
    $watch.Stop()
    if ($LASTEXITCODE -ne 0) { throw "pwsh -c '$Command' failed (exit $LASTEXITCODE): $output" }
    [pscustomobject]@{ Ms = $watch.Elapsed.TotalMilliseconds; Output = $output }
}

function Get-Median([double[]] $Values) { $sorted = $Values | Sort-Object; $sorted[[int][math]::Floor($sorted.Count / 2)] }

$import = "`$w = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$ModulePath'; `$w.Elapsed.TotalMilliseconds"
$null = Measure-Pwsh $import # warm the disk cache for both
$bare = [Collections.Generic.List[double]]::new()
$withModule = [Collections.Generic.List[double]]::new()
$inProcess = [Collections.Generic.List[double]]::new()
for ($i = 0; $i -lt $Runs; $i++) {
    $bare.Add((Measure-Pwsh '$null').Ms)
    $run = Measure-Pwsh $import
    $withModule.Add($run.Ms)
    $inProcess.Add([double]($run.Output | Select-Object -Last 1))
}

$added = (Get-Median $withModule) - (Get-Median $bare)
'pwsh start (median of {0}):            {1,7:N0} ms' -f $Runs, (Get-Median $bare)
'pwsh start + Import-Module (median):    {0,7:N0} ms' -f (Get-Median $withModule)
'Import-Module adds:                     {0,7:N0} ms (target < {1:N0} ms)' -f $added, $TargetMs
'Import-Module inside the process:       {0,7:N0} ms (median)' -f (Get-Median $inProcess)
if ($added -ge $TargetMs) { exit 1 }

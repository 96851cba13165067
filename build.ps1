<#
.SYNOPSIS
    Builds, tests and demonstrates Dialog360.MM.
.DESCRIPTION
    Build  compiles the solution and lays out the importable module in out/Dialog360.MM
           (manifest, DLLs, netfx/ dependencies for Windows PowerShell 5.1, format file, MAML help).
    Test   builds and packs, then runs xunit (plain classes) and Pester (cmdlets against the emulator, in their own pwsh
           process); the last line is "N passed, N failed" over both, and the exit code is non-zero on any failure.
    Demo   builds, then runs samples/Demo.ps1: an offline campaign against the module's emulator, ending with its
           campaign report in out/demo/campaign-report.html.
    Screenshot runs the demo, then has headless Chromium (or Chrome, or Edge) take a full-page picture of its report:
           docs/campaign-report.png, the picture the README shows.
    Package builds, then makes out/Dialog360.MM.<version>.nupkg with Compress-PSResource: the package Publish-PSResource
           would publish, for Install-PSResource / Save-PSResource from any repository it is put in.
    UpdateHelp rewrites src/Dialog360.MM/en-US/*.md in platyPS's layout with the cmdlets' syntax and parameter facts
           (the build fails while a page differs from what this writes), then builds.
    Bench  builds, then runs every bench/*.Bench.ps1 (each in its own pwsh process) and prints their figures.
    Clean  removes out/ and the projects' bin/ and obj/.
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Package', 'UpdateHelp', 'Demo', 'Screenshot', 'Bench', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'Dialog360.MM'
$TestResults = Join-Path $Out 'test-results'
# Runtime dependencies that both editions need beside the module DLL (System.Text.Json is not one: PowerShell 7.4+ has it).
$SharedDependencies = @('PhoneNumbers.dll', 'Microsoft.Bcl.TimeProvider.dll')
# The Azure Storage SDK and what it needs that PowerShell 7.4+ does not have: loaded only when an account keeps its state
# in Azure Storage, and on 7.4+ in the module's own context, beside (never instead of) Az.Accounts' Azure.Core.
$StorageDependencies = @('Dialog360.MM.Storage.Azure.dll', 'Azure.Core.dll', 'Azure.Storage.Blobs.dll', 'Azure.Storage.Common.dll',
    'System.ClientModel.dll', 'System.Memory.Data.dll', 'System.IO.Hashing.dll',
    'Microsoft.Extensions.Logging.Abstractions.dll', 'Microsoft.Extensions.DependencyInjection.Abstractions.dll')

function Invoke-Native {
    param([string] $Command, [string[]] $Arguments)
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "'$Command $($Arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

# The pwsh running this script, so child processes use the same PowerShell (a local dotnet tool or an installed one).
function Get-PwshCommand {
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { return @($process, (Join-Path $PSHOME 'pwsh.dll')) }
    return @($process)
}

function Invoke-Pwsh {
    param([string[]] $Arguments)
    $pwsh = @(Get-PwshCommand)
    $all = @($pwsh | Select-Object -Skip 1) + @('-NoLogo', '-NoProfile', '-NonInteractive') + $Arguments
    & $pwsh[0] @all | Out-Host
    return $LASTEXITCODE
}

# The newest CHANGELOG.md section is the release: its version must be the manifest's and the assemblies', and its
# text becomes the packaged manifest's ReleaseNotes.
function Get-Release {
    $text = Get-Content (Join-Path $Root 'CHANGELOG.md') -Raw
    $match = [regex]::Match($text, '(?ms)^## (?<version>\d+\.\d+\.\d+)\s*$(?<notes>.*?)(?=^## |\z)')
    if (-not $match.Success) { throw 'CHANGELOG.md has no "## <version>" section.' }
    $release = [pscustomobject]@{ Version = $match.Groups['version'].Value; Notes = $match.Groups['notes'].Value.Trim() }
    $manifestVersion = (Import-PowerShellDataFile (Join-Path $Root 'Dialog360.MM.psd1')).ModuleVersion
    $assemblyVersion = ([xml](Get-Content (Join-Path $Root 'Directory.Build.props') -Raw)).Project.PropertyGroup.Version
    if ($manifestVersion -ne $release.Version -or $assemblyVersion -ne $release.Version) {
        throw "CHANGELOG.md says $($release.Version), Dialog360.MM.psd1 says $manifestVersion, Directory.Build.props says ${assemblyVersion}: make them agree."
    }
    $release
}

function Write-Manifest {
    $release = Get-Release
    $marker = '# ReleaseNotes: the build adds'
    $lines = Get-Content (Join-Path $Root 'Dialog360.MM.psd1')
    $at = @($lines | Select-String -SimpleMatch $marker)
    if ($at.Count -ne 1) { throw "Dialog360.MM.psd1 needs exactly one '$marker' line in PSData." }
    $indent = $lines[$at[0].LineNumber - 1] -replace '\S.*$'
    $lines[$at[0].LineNumber - 1] = "${indent}ReleaseNotes = '$($release.Notes -replace "'", "''")'"
    Set-Content -LiteralPath (Join-Path $ModuleOut 'Dialog360.MM.psd1') -Value $lines -Encoding utf8
}

# Compiles and lays out the module, all but its MAML help.
function Invoke-Layout {
    Write-Host "Building ($Configuration)..." -ForegroundColor Cyan
    Invoke-Native dotnet @('build', (Join-Path $Root 'MarketingMessages.sln'), '-c', $Configuration, '--nologo', '-v', 'q', '-clp:ErrorsOnly')

    $bin = Join-Path $Root "src/Dialog360.MM/bin/$Configuration/netstandard2.0"
    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    $netfx = New-Item -ItemType Directory -Force -Path (Join-Path $ModuleOut 'netfx')
    Write-Manifest
    Copy-Item (Join-Path $Root 'Dialog360.MM.psm1'), (Join-Path $Root 'LICENSE') $ModuleOut
    # PowerShell 7.4+ only: puts the DLLs below in the module's own AssemblyLoadContext.
    Copy-Item (Join-Path $Root "src/Dialog360.MM.Loader/bin/$Configuration/net8.0/Dialog360.MM.Loader.dll") $ModuleOut
    # The emulator's DLL ships beside the others but loads only when Start-MMEmulator runs.
    $ours = @('Dialog360.MM.dll', 'Dialog360.MM.Core.dll', 'Dialog360.MM.Emulator.dll') + $SharedDependencies + $StorageDependencies
    foreach ($dll in Get-ChildItem $bin -Filter *.dll) {
        if ($dll.Name -in $ours) { Copy-Item $dll.FullName $ModuleOut }
        elseif ($dll.Name -ne 'System.Management.Automation.dll') { Copy-Item $dll.FullName $netfx }
    }

    # One format file for users, merged from one file per concept so that each concept keeps its own views.
    $merged = [xml]'<?xml version="1.0" encoding="utf-8"?><Configuration><ViewDefinitions/></Configuration>'
    foreach ($file in Get-ChildItem (Join-Path $Root 'src/Dialog360.MM/Formats') -Filter *.format.ps1xml | Sort-Object Name) {
        $part = [xml](Get-Content $file.FullName -Raw)
        foreach ($view in $part.Configuration.ViewDefinitions.View) {
            $null = $merged.Configuration['ViewDefinitions'].AppendChild($merged.ImportNode($view, $true))
        }
    }
    $merged.Save((Join-Path $ModuleOut 'Dialog360.MM.format.ps1xml'))

    $enUS = New-Item -ItemType Directory -Force -Path (Join-Path $ModuleOut 'en-US')
    Copy-Item (Join-Path $Root 'src/Dialog360.MM/en-US/*.help.txt') $enUS
}

function Invoke-HelpTool {
    param([string[]] $Arguments)
    $code = Invoke-Pwsh (@('-File', (Join-Path $Root 'tools/New-MamlHelp.ps1'), '-ModulePath', (Join-Path $ModuleOut 'Dialog360.MM.psd1'),
        '-MarkdownPath', (Join-Path $Root 'src/Dialog360.MM/en-US')) + $Arguments)
    if ($code -ne 0) { throw 'The help tool failed (see above).' }
}

function Invoke-Build {
    Invoke-Layout
    Invoke-HelpTool @('-OutFile', (Join-Path $ModuleOut 'en-US/Dialog360.MM.dll-Help.xml'))
    Write-Host "Module ready: $ModuleOut" -ForegroundColor Green
}

# Rewrites the help pages in platyPS's layout with the cmdlets' current syntax and parameter facts, then builds.
function Invoke-UpdateHelp {
    Invoke-Layout
    Invoke-HelpTool @('-UpdateMarkdown')
    Write-Host 'Help pages rewritten in src/Dialog360.MM/en-US: review the diff.' -ForegroundColor Green
    Invoke-Build
}

function Get-PesterModulePath {
    Invoke-Native dotnet @('restore', (Join-Path $Root 'tests/tools/Tools.csproj'), '--nologo', '-v', 'q')
    $packages = $env:NUGET_PACKAGES
    if (-not $packages) {
        $line = @(& dotnet nuget locals global-packages --list) -match 'global-packages:' | Select-Object -First 1
        $packages = ($line -replace '^.*global-packages:\s*', '').Trim()
    }
    $path = Join-Path $packages 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $path)) { throw "Pester 5.7.1 was not restored to $path." }
    $path
}

function Invoke-Test {
    # The package test installs the .nupkg, so Test packs it too.
    Invoke-Package
    if (Test-Path $TestResults) { Remove-Item $TestResults -Recurse -Force }
    $null = New-Item -ItemType Directory -Force -Path $TestResults
    $passed = 0; $failed = 0

    # State in Azure Storage is tested against Azurite, started here for both suites (and by tests that stop it mid-run).
    Import-Module (Join-Path $Root 'tests/tools/Azurite.psm1') -Force
    $env:DIALOG360_MM_AZURITE_SCRIPT = Install-Azurite -Destination (Join-Path $Out 'tools/azurite')
    $azurite = Start-Azurite -Script $env:DIALOG360_MM_AZURITE_SCRIPT -Location (Join-Path $Out "azurite-$PID")
    $env:DIALOG360_MM_AZURITE = $azurite.ConnectionString
    Write-Host "Azurite blob service on port $($azurite.Port)." -ForegroundColor Cyan
    try {
        Write-Host 'xunit...' -ForegroundColor Cyan
        # A test that hangs fails the run after five minutes instead of stalling CI.
        & dotnet test (Join-Path $Root 'tests/Dialog360.MM.Core.Tests') -c $Configuration --no-build --nologo --blame-hang-timeout 5m --blame-hang-dump-type none `
            --logger 'trx;LogFileName=xunit.trx' --logger 'console;verbosity=minimal' --results-directory $TestResults
        $trx = Join-Path $TestResults 'xunit.trx'
        if (Test-Path $trx) {
            $counters = ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters
            $passed += [int]$counters.passed
            $failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        } else {
            Write-Host 'xunit produced no results: counted as one failure.' -ForegroundColor Red
            $failed += 1
        }

        Write-Host 'Pester...' -ForegroundColor Cyan
        $pester = Get-PesterModulePath
        $summary = Join-Path $TestResults 'pester.json'
        $null = Invoke-Pwsh @('-File', (Join-Path $Root 'tests/Pester/Invoke-PesterTests.ps1'), '-PesterPath', $pester,
            '-ModulePath', (Join-Path $ModuleOut 'Dialog360.MM.psd1'), '-SummaryPath', $summary)
        if (Test-Path $summary) {
            $result = Get-Content $summary -Raw | ConvertFrom-Json
            $passed += $result.Passed
            $failed += $result.Failed
        } else {
            Write-Host 'Pester produced no results: counted as one failure.' -ForegroundColor Red
            $failed += 1
        }
    } finally {
        Stop-Azurite $azurite
        Remove-Item $azurite.Location -Recurse -Force -ErrorAction SilentlyContinue
    }

    $faults = Join-Path $TestResults 'fault-suite.json'
    if (Test-Path $faults) {
        Write-Host "`nFault suite (tests/Pester/Reliability.Tests.ps1, figures in $faults):" -ForegroundColor Cyan
        (Get-Content $faults -Raw | ConvertFrom-Json).PSObject.Properties | ForEach-Object { Write-Host ('  {0,-22} {1}' -f $_.Name, $_.Value) }
    }
    Write-Output "$passed passed, $failed failed"
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Invoke-Package {
    Invoke-Build
    $version = (Get-Release).Version
    $package = Join-Path $Out "Dialog360.MM.$version.nupkg"
    if (Test-Path $package) { Remove-Item $package -Force }
    # Compress-PSResource (PSResourceGet 1.1+, shipped with PowerShell 7.4+) is Publish-PSResource's packing step
    # without a repository: the same .nuspec from the manifest, the same files.
    Import-Module Microsoft.PowerShell.PSResourceGet -ErrorAction Stop
    Compress-PSResource -Path $ModuleOut -DestinationPath $Out
    if (-not (Test-Path $package)) { throw "Compress-PSResource did not write $package." }
    Write-Host "Package ready: $package" -ForegroundColor Green
}

$DemoReport = Join-Path $Out 'demo/campaign-report.html'

function Invoke-Demo {
    Invoke-Build
    $null = New-Item -ItemType Directory -Force -Path (Split-Path $DemoReport)
    $code = Invoke-Pwsh @('-File', (Join-Path $Root 'samples/Demo.ps1'), '-ModulePath', (Join-Path $ModuleOut 'Dialog360.MM.psd1'), '-ReportPath', $DemoReport)
    if ($code -ne 0) { exit $code }
}

# The README's picture of the report: the demo's report, whole, as headless Chromium draws it.
function Invoke-Screenshot {
    Import-Module (Join-Path $Root 'tools/HeadlessBrowser.psm1') -Force
    $browser = Find-HeadlessBrowser
    if (-not $browser) { throw (Get-HeadlessBrowserHint) }
    Invoke-Demo
    $shot = Save-PageScreenshot -Browser $browser -Page $DemoReport -OutFile (Join-Path $Root 'docs/campaign-report.png') -Width 960
    if ($shot.Console) { throw "The report wrote to the browser's console:`n$($shot.Console -join "`n")" }
    Write-Host "Screenshot: $($shot.Path) ($($shot.Width) x $($shot.Height), $browser)" -ForegroundColor Green
}

function Invoke-Bench {
    Invoke-Build
    $failures = 0
    foreach ($bench in Get-ChildItem (Join-Path $Root 'bench') -Filter *.Bench.ps1 | Sort-Object Name) {
        Write-Host "`n== $($bench.BaseName)" -ForegroundColor Cyan
        $code = Invoke-Pwsh @('-File', $bench.FullName, '-ModulePath', (Join-Path $ModuleOut 'Dialog360.MM.psd1'))
        if ($code -ne 0) { $failures++; Write-Host "$($bench.Name) missed its target or failed (exit $code)." -ForegroundColor Red }
    }
    if ($failures) { exit 1 }
}

function Invoke-Clean {
    Remove-Item $Out -Recurse -Force -ErrorAction SilentlyContinue
    Get-ChildItem (Join-Path $Root 'src'), (Join-Path $Root 'tests') -Directory -Recurse -Include bin, obj |
        Remove-Item -Recurse -Force -ErrorAction SilentlyContinue
}

Push-Location $Root
try {
    switch ($Task) {
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Package' { Invoke-Package }
        'UpdateHelp' { Invoke-UpdateHelp }
        'Demo' { Invoke-Demo }
        'Screenshot' { Invoke-Screenshot }
        'Bench' { Invoke-Bench }
        'Clean' { Invoke-Clean }
    }
} finally {
    Pop-Location
}

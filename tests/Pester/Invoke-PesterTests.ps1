<#
.SYNOPSIS
    Runs every *.Tests.ps1 here against the built module, in this (fresh) process, and writes a JSON summary.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $SummaryPath
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
# The tests import the module from here.
$env:DIALOG360_MM_MODULE = $ModulePath
# Suites that measure (the fault suite) leave their figures beside the summary.
$env:DIALOG360_MM_RESULTS = Split-Path -Parent $SummaryPath

$config = New-PesterConfiguration
$config.Run.Path = $PSScriptRoot
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
$result = Invoke-Pester -Configuration $config

@{ Passed = $result.PassedCount; Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount;
   Skipped = $result.SkippedCount } | ConvertTo-Json | Set-Content -LiteralPath $SummaryPath -Encoding utf8

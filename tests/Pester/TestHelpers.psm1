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

Export-ModuleMember -Function Get-TestModulePath, Start-TestEmulator

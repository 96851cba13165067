# The root module only chooses how the cmdlet assembly loads; the cmdlets are all in Dialog360.MM.dll.
# [IO.Path], not Join-Path: the first Join-Path autoloads Microsoft.PowerShell.Management, a third of the import time.
$cmdletAssembly = [System.IO.Path]::Combine($PSScriptRoot, 'Dialog360.MM.dll')
$isCore = $PSVersionTable.PSEdition -eq 'Core'

# Import-Module -Force removes this module but leaves its nested assembly module in the module table; importing that
# again would hand back the old one without putting its cmdlets here (PowerShell issues 2505 and 20710). Only a
# process that loaded the module before can have one, so the first import skips the look-up (it costs import time).
$loadedBefore = if ($isCore) { 'Dialog360.MM.Loader.ModuleLoadContext' -as [type] } else { 'Dialog360.MM.Loading.ModuleInitializer' -as [type] }
if ($loadedBefore) {
    Microsoft.PowerShell.Core\Get-Module -All | Where-Object Path -EQ $cmdletAssembly | Microsoft.PowerShell.Core\Remove-Module -Force
}

if ($isCore) {
    # PowerShell 7.4+: in an AssemblyLoadContext of the module's own (src/Dialog360.MM.Loader), so the DLLs shipped
    # here never meet other modules' copies of the same assemblies. A process holds one such context, so a copy of
    # the module from another folder (another version) cannot load beside it: say so rather than run the other one.
    $loadedFrom = if ($loadedBefore) { [System.IO.Path]::GetDirectoryName($loadedBefore.Assembly.Location) }
    if ($loadedFrom -and $loadedFrom -ne [System.IO.Path]::GetFullPath($PSScriptRoot)) {
        throw "Dialog360.MM from $loadedFrom is already loaded in this process; start a new PowerShell session to use the one in $PSScriptRoot."
    }
    if (-not $loadedBefore) { $null = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($PSScriptRoot, 'Dialog360.MM.Loader.dll')) }
    Microsoft.PowerShell.Core\Import-Module -Assembly ([Dialog360.MM.Loader.ModuleLoadContext]::LoadModule())
} else {
    # Windows PowerShell 5.1: no load contexts; the module's resolver serves netfx/ (Loading/ModuleInitializer.cs).
    Microsoft.PowerShell.Core\Import-Module $cmdletAssembly
}

# The root module only chooses how the cmdlet assembly loads; the cmdlets are all in Dialog360.MM.dll.
$cmdletAssembly = Join-Path $PSScriptRoot 'Dialog360.MM.dll'

# Import-Module -Force removes this module but leaves its nested assembly module in the module table; importing that
# again would hand back the old one without putting its cmdlets here (PowerShell issues 2505 and 20710).
Get-Module -All | Where-Object Path -EQ $cmdletAssembly | Microsoft.PowerShell.Core\Remove-Module -Force

if ($PSVersionTable.PSEdition -eq 'Core') {
    # PowerShell 7.4+: in an AssemblyLoadContext of the module's own (src/Dialog360.MM.Loader), so the DLLs shipped
    # here never meet other modules' copies of the same assemblies.
    if (-not ('Dialog360.MM.Loader.ModuleLoadContext' -as [type])) {
        $null = [System.Reflection.Assembly]::LoadFrom((Join-Path $PSScriptRoot 'Dialog360.MM.Loader.dll'))
    }
    Microsoft.PowerShell.Core\Import-Module -Assembly ([Dialog360.MM.Loader.ModuleLoadContext]::LoadModule())
} else {
    # Windows PowerShell 5.1: no load contexts; the module's resolver serves netfx/ (Loading/ModuleInitializer.cs).
    Microsoft.PowerShell.Core\Import-Module $cmdletAssembly
}

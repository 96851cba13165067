# The package as an administrator gets it: put in a repository, saved with PSResourceGet, imported by name, used.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $moduleFolder = Split-Path (Get-TestModulePath)
    $script:version = (Import-PowerShellDataFile (Get-TestModulePath)).ModuleVersion
    # build.ps1 Test (and Package) writes the package beside the module folder.
    $script:package = Join-Path (Split-Path $moduleFolder) "Dialog360.MM.$version.nupkg"
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "mm-package-$PID"
    $null = New-Item -ItemType Directory -Force -Path (Join-Path $work 'repository'), (Join-Path $work 'modules'), (Join-Path $work 'data')
}
AfterAll {
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'The Dialog360.MM package' {
    It 'is built by build.ps1 Package with the manifest''s version' {
        $package | Should -Exist
    }

    It 'saves from a local file repository in a fresh pwsh, imports by name and sends to the emulator' {
        Copy-Item $package (Join-Path $work 'repository')
        $script = @'
$ErrorActionPreference = 'Stop'
$work = $env:MM_TEST_WORK
Register-PSResourceRepository -Name MMTestLocal -Uri (Join-Path $work 'repository') -Trusted
try {
    Save-PSResource -Name Dialog360.MM -Repository MMTestLocal -Path (Join-Path $work 'modules') -TrustRepository -Quiet
} finally { Unregister-PSResourceRepository -Name MMTestLocal }
$env:PSModulePath = (Join-Path $work 'modules') + [IO.Path]::PathSeparator + $env:PSModulePath
Import-Module Dialog360.MM
$module = Get-Module Dialog360.MM
$emulator = Start-MMEmulator
$emulator | Connect-MMAccount -Name package
$result = '+44 7911 123456' | Send-MarketingMessage -TemplateName welcome_offer -Account package
Stop-MMEmulator
[pscustomobject]@{
    Version = $module.Version.ToString(); Base = $module.ModuleBase; ReleaseNotes = $module.ReleaseNotes
    ProjectUri = "$($module.ProjectUri)"; LicenseUri = "$($module.LicenseUri)"; Status = "$($result.Status)"; To = $result.To
    HelpSynopsis = (Get-Help Send-MarketingMessage).Synopsis
} | ConvertTo-Json -Compress
'@
        # A data folder of its own, so registering the repository leaves the user's PSResourceGet settings alone (Linux/macOS).
        $json = Invoke-FreshPwsh -Script $script -TimeoutSeconds 120 -Environment @{ MM_TEST_WORK = $work; XDG_DATA_HOME = (Join-Path $work 'data') }
        $seen = $json | ConvertFrom-Json
        $seen.Version | Should -Be $version
        $seen.Base | Should -Be (Join-Path $work "modules/Dialog360.MM/$version")
        $seen.Status | Should -Be 'Accepted'
        $seen.To | Should -Be '447911123456'
        $seen.ReleaseNotes | Should -Be (Import-PowerShellDataFile (Get-TestModulePath)).PrivateData.PSData.ReleaseNotes
        $seen.ReleaseNotes | Should -Not -BeNullOrEmpty
        $seen.ProjectUri | Should -Not -BeNullOrEmpty
        $seen.LicenseUri | Should -Not -BeNullOrEmpty
        $seen.HelpSynopsis | Should -Not -Match '^\s*Send-MarketingMessage '
    }

    It 'carries the CHANGELOG section of its version as ReleaseNotes' {
        $changelog = Get-Content (Join-Path $PSScriptRoot '../../CHANGELOG.md') -Raw
        $section = [regex]::Match($changelog, '(?ms)^## ' + [regex]::Escape($version) + '\s*$(?<notes>.*?)(?=^## |\z)')
        $section.Success | Should -BeTrue -Because 'the manifest version must have a CHANGELOG.md section'
        (Import-PowerShellDataFile (Get-TestModulePath)).PrivateData.PSData.ReleaseNotes | Should -Be $section.Groups['notes'].Value.Trim()
    }
}

# Import, remove and re-import as a long-lived session does, in a fresh pwsh so that nothing else holds the module.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script = @'
$ErrorActionPreference = 'Stop'
function Test-PortFree([int] $Port) {
    $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, $Port)
    try { $probe.Start(); $true } catch { $false } finally { $probe.Stop() }
}
$seen = [ordered]@{}
Import-Module $env:DIALOG360_MM_MODULE

# Another runspace of the same process with its own emulator: removing the module here must leave it running.
$other = [powershell]::Create()
$otherEmulator = $other.AddScript("Import-Module '$env:DIALOG360_MM_MODULE'; Start-MMEmulator").Invoke()[0]

$emulator = Start-MMEmulator
$emulator | Connect-MMAccount -Name lifecycle
$deliveries = Join-Path ([IO.Path]::GetTempPath()) "mm-lifecycle-$PID.jsonl"
$receiver = Start-MMWebhookReceiver -Path $deliveries -Secret (ConvertTo-SecureString 'x' -AsPlainText -Force) -Confirm:$false
$seen.PortsTakenBefore = -not (Test-PortFree $emulator.Port) -and -not (Test-PortFree $receiver.Port)
Remove-Module Dialog360.MM
$seen.EmulatorRunningAfterRemove = $emulator.IsRunning
$seen.ReceiverRunningAfterRemove = $receiver.IsRunning
$seen.PortsFreeAfterRemove = (Test-PortFree $emulator.Port) -and (Test-PortFree $receiver.Port)
$seen.OtherRunspaceEmulatorRunning = $otherEmulator.IsRunning

# A runspace that closes without Remove-Module, as ForEach-Object -Parallel's and thread jobs' do.
$closing = [powershell]::Create()
$closingEmulator = $closing.AddScript("Import-Module '$env:DIALOG360_MM_MODULE'; Start-MMEmulator").Invoke()[0]
$closing.Dispose()
$seen.ClosedRunspaceEmulatorRunning = $closingEmulator.IsRunning
$seen.ClosedRunspacePortFree = Test-PortFree $closingEmulator.Port

Import-Module $env:DIALOG360_MM_MODULE
$seen.AccountsAfterReimport = @(Get-MMAccount).Count
$emulator = Start-MMEmulator
$emulator | Connect-MMAccount -Name lifecycle
Import-Module $env:DIALOG360_MM_MODULE -Force
$seen.PortFreeAfterForce = Test-PortFree $emulator.Port
Import-Module $env:DIALOG360_MM_MODULE -Force
$seen.CmdletsAfterSecondForce = @(Get-Command -Module Dialog360.MM -CommandType Cmdlet).Count
$emulator = Start-MMEmulator
$emulator | Connect-MMAccount -Name lifecycle
$seen.StatusAfterSecondForce = "$(('+44 7911 123456' | Send-MarketingMessage -TemplateName welcome_offer -Account lifecycle).Status)"
Remove-Module Dialog360.MM

# Another copy of the module (another version, another folder) in the same process.
$copy = Join-Path ([IO.Path]::GetTempPath()) "mm-lifecycle-copy-$PID"
Copy-Item (Split-Path $env:DIALOG360_MM_MODULE) $copy -Recurse
try { Import-Module (Join-Path $copy 'Dialog360.MM.psd1'); $seen.SecondCopy = 'imported' } catch { $seen.SecondCopy = "$_" }
Remove-Item $copy -Recurse -Force -ErrorAction SilentlyContinue
$other.Commands.Clear(); $null = $other.AddScript('Stop-MMEmulator').Invoke(); $other.Dispose()
Remove-Item $deliveries -ErrorAction SilentlyContinue
[pscustomobject]$seen | ConvertTo-Json -Compress
'@
    $script:seen = Invoke-FreshPwsh -Script $script -TimeoutSeconds 90 -Environment @{ DIALOG360_MM_MODULE = (Get-TestModulePath) } |
        ConvertFrom-Json
    $script:cmdletCount = @((Import-PowerShellDataFile (Get-TestModulePath)).CmdletsToExport).Count
}

Describe 'Remove-Module and Import-Module -Force' {
    It 'Remove-Module stops the emulators and webhook receivers of that runspace and frees their ports' {
        $seen.PortsTakenBefore | Should -BeTrue
        $seen.EmulatorRunningAfterRemove | Should -BeFalse
        $seen.ReceiverRunningAfterRemove | Should -BeFalse
        $seen.PortsFreeAfterRemove | Should -BeTrue
    }

    It 'leaves another runspace''s emulator running' {
        $seen.OtherRunspaceEmulatorRunning | Should -BeTrue
    }

    It 'a runspace that closes without Remove-Module stops its emulators too' {
        $seen.ClosedRunspaceEmulatorRunning | Should -BeFalse
        $seen.ClosedRunspacePortFree | Should -BeTrue
    }

    It 'forgets the accounts, so a new import starts without any' {
        $seen.AccountsAfterReimport | Should -Be 0
    }

    It 'refuses a second copy of the module from another folder in the same process, naming both' {
        $seen.SecondCopy | Should -Match 'already loaded in this process.*new PowerShell session'
    }

    It 'Import-Module -Force twice keeps every cmdlet, stops the old emulator and sends' {
        $seen.PortFreeAfterForce | Should -BeTrue
        $seen.CmdletsAfterSecondForce | Should -Be $cmdletCount
        $seen.StatusAfterSecondForce | Should -Be 'Accepted'
    }
}

# Another module's PhoneNumbers, already loaded in the session, must neither be used by this module nor broken by it.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "mm-isolation-$PID"
    $null = New-Item -ItemType Directory -Force -Path $work
    # A stand-in for another module's copy: same assembly and type names, another version, nothing libphonenumber has.
    # Compiled with the Roslyn that pwsh ships (Add-Type loads it), since Add-Type cannot choose the assembly name.
    Add-Type -TypeDefinition 'public static class MMIsolationTestRoslyn { }'
    # An assembly named like one of ours, of another version, with one static class that says whose it is.
    function New-StandIn([string] $Assembly, [string] $Version, [string] $Namespace, [string] $Class) {
        $folder = New-Item -ItemType Directory -Force -Path (Join-Path $work "$Assembly-$Version")
        $path = Join-Path $folder "$Assembly.dll"
        $source = "[assembly: System.Reflection.AssemblyVersion(""$Version"")]
            namespace $Namespace { public static class $Class { public static string Owner() { return ""another module $Version""; } } }"
        $compilation = [Microsoft.CodeAnalysis.CSharp.CSharpCompilation]::Create($Assembly,
            [Microsoft.CodeAnalysis.SyntaxTree[]]@([Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree]::ParseText($source)),
            [Microsoft.CodeAnalysis.MetadataReference[]]@([Microsoft.CodeAnalysis.MetadataReference]::CreateFromFile([object].Assembly.Location)),
            [Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions]::new([Microsoft.CodeAnalysis.OutputKind]::DynamicallyLinkedLibrary))
        $stream = [IO.File]::Create($path)
        try { $emitted = $compilation.Emit($stream) } finally { $stream.Dispose() }
        if (-not $emitted.Success) { throw "The stand-in $Assembly did not compile: $($emitted.Diagnostics)" }
        $path
    }
    function New-OtherPhoneNumbers([string] $Version) { New-StandIn PhoneNumbers $Version PhoneNumbers PhoneNumberUtil }
}
AfterAll {
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Loading beside another PhoneNumbers' -Skip:($PSVersionTable.PSEdition -ne 'Core') {
    It 'imports and sends when the session already holds PhoneNumbers <_>' -ForEach '1.0.0.0', '99.0.0.0' {
        $other = New-OtherPhoneNumbers $_
        $script = @'
$ErrorActionPreference = 'Stop'
Add-Type -LiteralPath $env:MM_OTHER_PHONENUMBERS
Import-Module $env:DIALOG360_MM_MODULE
$emulator = Start-MMEmulator
$emulator | Connect-MMAccount -Name isolation
# A national number makes the send parse with libphonenumber, not just count digits.
$result = Send-MarketingMessage -To '07911 123456' -DefaultRegion GB -TemplateName welcome_offer -Account isolation
Stop-MMEmulator
# Type literals do not reach assemblies in another load context, so the module's Core is found by name.
$loaded = [AppDomain]::CurrentDomain.GetAssemblies()
$ours = ($loaded | Where-Object { $_.GetName().Name -eq 'Dialog360.MM.Core' }).GetReferencedAssemblies() | Where-Object Name -EQ PhoneNumbers
[pscustomobject]@{
    Status = "$($result.Status)"; To = $result.To
    OtherStillAnswers = [PhoneNumbers.PhoneNumberUtil]::Owner()
    PhoneNumbersLoaded = @($loaded | Where-Object { $_.GetName().Name -eq 'PhoneNumbers' } |
        ForEach-Object { '{0} in {1}' -f $_.GetName().Version, [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name })
    OursWants = "$($ours.Version)"
} | ConvertTo-Json -Compress
'@
        $seen = Invoke-FreshPwsh -Script $script -TimeoutSeconds 60 -Environment @{
            MM_OTHER_PHONENUMBERS = $other; DIALOG360_MM_MODULE = (Get-TestModulePath) } | ConvertFrom-Json
        $seen.Status | Should -Be 'Accepted'
        $seen.To | Should -Be '447911123456'
        $seen.OtherStillAnswers | Should -Be "another module $_"
        $seen.PhoneNumbersLoaded | Should -Contain "$_ in Default"
        $seen.PhoneNumbersLoaded | Should -Contain "$($seen.OursWants) in Dialog360.MM"
    }
}

# Az.Accounts loads its own Azure.Core before anything else in most runbooks (Connect-AzAccount -Identity, Key Vault).
# A second Azure.Core of another version in one context is a known load failure; the module's state in Azure Storage
# must load its own beside it, and leave the session's one working.
Describe 'Loading beside another Azure.Core' -Skip:($PSVersionTable.PSEdition -ne 'Core') {
    It 'keeps state in Azure Storage when the session already holds Azure.Core <_>' -ForEach '1.0.0.0', '99.0.0.0' {
        if (-not $env:DIALOG360_MM_AZURITE) { throw 'DIALOG360_MM_AZURITE is not set: run the tests with ./build.ps1 Test, which starts Azurite.' }
        $other = New-StandIn Azure.Core $_ Azure.Core TokenCredentialOwner
        $script = @'
$ErrorActionPreference = 'Stop'
Add-Type -LiteralPath $env:MM_OTHER_AZURE_CORE
Import-Module $env:DIALOG360_MM_MODULE
$emulator = Start-MMEmulator
$emulator | Connect-MMAccount -Name isolation -StorageConnectionString (ConvertTo-SecureString $env:DIALOG360_MM_AZURITE -AsPlainText -Force) -StorageContainer $env:MM_CONTAINER -SuppressionPath optouts
$null = Add-MMSuppression -Phone '+447911123457' -Account isolation
$results = '+447911123456', '+447911123457' | Send-MarketingMessage -TemplateName welcome_offer -JournalPath isolation -Account isolation
$again = '+447911123456' | Send-MarketingMessage -TemplateName welcome_offer -JournalPath isolation -Account isolation
Stop-MMEmulator
[pscustomobject]@{
    Statuses = @($results.Status | ForEach-Object { "$_" }); Again = "$($again.Status)"
    OtherStillAnswers = [Azure.Core.TokenCredentialOwner]::Owner()
    AzureCoreLoaded = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Azure.Core' } |
        ForEach-Object { '{0} in {1}' -f $_.GetName().Version, [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name })
} | ConvertTo-Json -Compress
'@
        $seen = Invoke-FreshPwsh -Script $script -TimeoutSeconds 90 -Environment @{
            MM_OTHER_AZURE_CORE = $other; DIALOG360_MM_MODULE = (Get-TestModulePath)
            MM_CONTAINER = 'iso' + [guid]::NewGuid().ToString('N').Substring(0, 16) } | ConvertFrom-Json
        $seen.Statuses | Sort-Object | Should -Be 'Accepted', 'Suppressed'
        $seen.Again | Should -Be 'Skipped'
        $seen.OtherStillAnswers | Should -Be "another module $_"
        $seen.AzureCoreLoaded | Should -Contain "$_ in Default"
        @($seen.AzureCoreLoaded | Where-Object { $_ -like '* in Dialog360.MM' }).Count | Should -Be 1
    }
}

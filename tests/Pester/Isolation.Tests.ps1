# Another module's PhoneNumbers, already loaded in the session, must neither be used by this module nor broken by it.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "mm-isolation-$PID"
    $null = New-Item -ItemType Directory -Force -Path $work
    # A stand-in for another module's copy: same assembly and type names, another version, nothing libphonenumber has.
    # Compiled with the Roslyn that pwsh ships (Add-Type loads it), since Add-Type cannot choose the assembly name.
    Add-Type -TypeDefinition 'public static class MMIsolationTestRoslyn { }'
    function New-OtherPhoneNumbers([string] $Version) {
        $folder = New-Item -ItemType Directory -Force -Path (Join-Path $work $Version)
        $path = Join-Path $folder 'PhoneNumbers.dll'
        $source = "[assembly: System.Reflection.AssemblyVersion(""$Version"")]
            namespace PhoneNumbers { public static class PhoneNumberUtil { public static string Owner() { return ""another module $Version""; } } }"
        $compilation = [Microsoft.CodeAnalysis.CSharp.CSharpCompilation]::Create('PhoneNumbers',
            [Microsoft.CodeAnalysis.SyntaxTree[]]@([Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree]::ParseText($source)),
            [Microsoft.CodeAnalysis.MetadataReference[]]@([Microsoft.CodeAnalysis.MetadataReference]::CreateFromFile([object].Assembly.Location)),
            [Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions]::new([Microsoft.CodeAnalysis.OutputKind]::DynamicallyLinkedLibrary))
        $stream = [IO.File]::Create($path)
        try { $emitted = $compilation.Emit($stream) } finally { $stream.Dispose() }
        if (-not $emitted.Success) { throw "The stand-in PhoneNumbers did not compile: $($emitted.Diagnostics)" }
        $path
    }
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

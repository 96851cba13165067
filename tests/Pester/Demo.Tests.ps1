BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
}

Describe 'samples/Demo.ps1' {
    It 'runs offline in well under a minute and prints the funnel the README shows' {
        $pwsh = [Environment]::ProcessPath
        $prefix = if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { @((Join-Path $PSHOME 'pwsh.dll')) } else { @() }
        $demo = Join-Path $PSScriptRoot '../../samples/Demo.ps1'
        $out = Join-Path $TestDrive 'demo.out'
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $child = Start-Process -FilePath $pwsh -PassThru -RedirectStandardOutput $out -RedirectStandardError (Join-Path $TestDrive 'demo.err') `
            -ArgumentList (@($prefix) + @('-NoProfile', '-NonInteractive', '-File', $demo, '-ModulePath', (Get-TestModulePath)))
        if (-not $child.WaitForExit(60000)) { $child.Kill(); throw 'the demo did not finish within 60 s' }
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 30
        $child.ExitCode | Should -Be 0
        $text = (Get-Content $out -Raw) -replace '\x1b\[[0-9;]*m', ''
        $text | Should -Match '\(all\)\s+6\s+5\s+5\s+3\s+1\s+2\s'
        # Bob uses a username: his stop names only his BSUID, which the answer to the send paired with his number.
        $text | Should -Match '[A-Z]{2}\.\d{20} \(no number in the webhook\) stopped marketing messages'
        $text | Should -Match '447700900003\s+131050\s+Send-MarketingMessage spring_sale'
        $text | Should -Match '[A-Z]{2}\.\d{20}\s+stop\s+\S*events\.j'
        $text | Should -Match "Get-MMSuppression -Phone '\+44 7911 123457' finds [A-Z]{2}\.\d{20}: stop"
        # The rerun: the two opt-outs (Eve's 131050, and Bob's stop by BSUID, held back by number) are Suppressed, the
        # other five already accepted Skipped.
        $text | Should -Match 'Suppressed\s+2'
        $text | Should -Match 'Skipped\s+5'
        $text | Should -Match 'refused 0 \(every one is signed\)'
    }
}

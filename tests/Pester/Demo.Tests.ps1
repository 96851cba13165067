BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
}

Describe 'samples/Demo.ps1' {
    It 'runs offline in well under a minute and prints the funnel the README shows' {
        $pwsh = [Environment]::ProcessPath
        $prefix = if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { @((Join-Path $PSHOME 'pwsh.dll')) } else { @() }
        $demo = Join-Path $PSScriptRoot '../../samples/Demo.ps1'
        $out = Join-Path $TestDrive 'demo.out'
        $report = Join-Path $TestDrive 'demo report.html'
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $child = Start-Process -FilePath $pwsh -PassThru -RedirectStandardOutput $out -RedirectStandardError (Join-Path $TestDrive 'demo.err') `
            -ArgumentList (@($prefix) + @('-NoProfile', '-NonInteractive', '-File', "`"$demo`"", '-ModulePath', "`"$(Get-TestModulePath)`"", '-ReportPath', "`"$report`""))
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
        # The flash sale: a max price in euros; the opt-outs held back; its deliveries named their actual price.
        $text | Should -Match 'flash_sale: 0\.05 EUR per delivery \(bid_amount 5000 per 1,000 deliveries\)'
        $text | Should -Match 'Accepted\s+5\s+Failed\s+1\s+Suppressed\s+2'
        $text | Should -Match 'flash-demo\s+\d\s+0\.\d\d\s+EUR\s+0\.00'
        # It ends with the campaign report: both campaigns, priced with the sample rate card and set against the actual
        # prices, with template analytics.
        $text | Should -Match 'One HTML page, nothing to load, .*demo report\.html'
        $html = Get-Content -LiteralPath $report -Raw
        foreach ($number in 'group.Messages" data-key="spring-demo" data-value="6"', 'group.Delivered" data-key="spring-demo" data-value="5"',
                'group.Read" data-key="spring-demo" data-value="3"', 'group.Messages" data-key="flash-demo" data-value="5"',
                'total.Clicked" data-value="2"', 'total.HeldForQuality" data-value="0"') {
            $html | Should -Match ([regex]::Escape($number))
        }
        $html | Should -Match 'data-mm="total.EstimatedCost" data-value="0\.\d+"'
        $html | Should -Match 'data-mm="actualTotal.Amount" data-key="EUR" data-value="0\.\d+"'
        $html | Should -Match 'data-mm="analytics.Delivered" data-key="\d{4}-\d\d-\d\d flash_sale \(en\)"'
    }
}

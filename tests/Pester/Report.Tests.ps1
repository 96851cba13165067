BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    Import-Module (Join-Path $PSScriptRoot '../../tools/HeadlessBrowser.psm1') -Force
    $script:fixtures = Join-Path $PSScriptRoot '../fixtures/webhooks'
    $script:inputs = @{
        Path           = @('campaign.jsonl', 'pricing.jsonl', 'user-preferences-stop.json', 'bsuid-optouts.jsonl') | ForEach-Object { Join-Path $fixtures $_ }
        JournalPath    = Join-Path $fixtures 'journal.jsonl'
        RateCard       = Join-Path $fixtures 'rate-card.csv'
        # campaign.jsonl has a broken line, the journal a bad line, the card misses markets: each reported, the rest read.
        ErrorAction    = 'SilentlyContinue'
        WarningAction  = 'SilentlyContinue'
    }

    # Every number the page marks: what it is (data-mm), its row (data-key), its exact value and the text shown.
    function Get-PageNumbers([string] $Html) {
        $pattern = '<(td|div) class="[^"]*" data-mm="(?<field>[^"]+)"(?: data-key="(?<key>[^"]*)")? data-value="(?<value>[^"]*)">(?<text>[^<]*)</\1>'
        foreach ($m in [regex]::Matches($Html, $pattern)) {
            [pscustomobject]@{
                Field = $m.Groups['field'].Value
                Key   = [Net.WebUtility]::HtmlDecode($m.Groups['key'].Value)
                Value = [Net.WebUtility]::HtmlDecode($m.Groups['value'].Value)
                Text  = [Net.WebUtility]::HtmlDecode($m.Groups['text'].Value)
            }
        }
    }

    function Get-Billable($row) { $row.BillableMarketingLite + $row.BillableMarketing + $row.BillableOther }
}

Describe 'Export-MMCampaignReport in headless Chromium' {
    BeforeAll {
        # The browser test needs a browser: without one it fails and says what to install.
        $script:browser = Find-HeadlessBrowser
        if (-not $browser) { throw (Get-HeadlessBrowserHint) }
        $script:page = Join-Path $TestDrive 'report.html'
        Export-MMCampaignReport @inputs -GroupBy CallbackData -OutFile $page -Title 'Spring sale'
        $script:rendered = Get-RenderedPage -Browser $browser -Page $page
    }

    It 'renders with nothing on the console, every section drawn, its charts as SVG' {
        $rendered.Console | Should -BeNullOrEmpty
        foreach ($id in 'funnel', 'timeline', 'failures', 'people', 'cost', 'groups') { $rendered.Dom | Should -Match "<section id=`"$id`">" }
        ([regex]::Matches($rendered.Dom, '<svg ')).Count | Should -BeGreaterOrEqual 3
        $rendered.Dom | Should -Match '<h1><bdi>Spring sale</bdi></h1>'
        # The sections the other data sources fill stay out when there is none.
        $rendered.Dom | Should -Not -Match 'id="actual-cost"|id="analytics"'
    }

    It 'shows the numbers Measure-MMCampaign gives for the same files' {
        $all = Measure-MMCampaign @inputs
        $byMarket = @{}; Measure-MMCampaign @inputs -GroupBy Market | ForEach-Object { $byMarket[$_.Campaign] = $_ }
        $byCallback = @{}; Measure-MMCampaign @inputs -GroupBy CallbackData | ForEach-Object { $byCallback[$_.Campaign] = $_ }
        $stops = @(ConvertFrom-MMWebhook -Path $inputs.Path -ErrorAction SilentlyContinue | Where-Object { $_.EventType -eq 'UserPreference' -and $_.IsStop } |
            ForEach-Object { if ($_.UserId) { $_.UserId } else { $_.WaId } } | Sort-Object -Unique)

        $numbers = @(Get-PageNumbers $rendered.Dom)
        $numbers.Count | Should -BeGreaterThan 40
        foreach ($n in $numbers) {
            $scope, $name = $n.Field -split '\.', 2
            $expected = switch ($scope) {
                'total' { if ($name -eq 'Billable') { Get-Billable $all } else { $all.$name } }
                'market' { if ($name -eq 'Billable') { Get-Billable $byMarket[$n.Key] } else { $byMarket[$n.Key].$name } }
                'group' { $byCallback[$n.Key].$name }
                'failure' { ($all.FailureCodes | Where-Object { "$($_.Code)" -eq $n.Key }).Count }
                'optouts' { if ($name -eq 'Stopped') { $stops.Count } else { 0 } }
                default { $null }
            }
            if ($null -eq $expected) { continue }
            "$($n.Field) [$($n.Key)] = $($n.Value)" | Should -Be "$($n.Field) [$($n.Key)] = $([string]::Format([Globalization.CultureInfo]::InvariantCulture, '{0}', $expected))"
            # What people read is the same number: counts with thousands separators, money with two decimals and its
            # currency ("no price" where the card priced none of a market's messages).
            if ($n.Field -match 'Cost$') {
                if ($n.Text -ne 'no price') {
                    $n.Text | Should -Match '^[\d,]+\.\d\d [A-Z]{3}'
                    [decimal](($n.Text -split ' ')[0] -replace ',', '') | Should -Be ([math]::Round([decimal]$n.Value, 2, [MidpointRounding]::AwayFromZero))
                }
            } else { $n.Text -replace ',', '' | Should -Be $n.Value }
        }
        # The timeline's periods add up to the funnel (every fixture status has a time).
        foreach ($name in 'Sent', 'Delivered', 'Read') {
            ($numbers | Where-Object Field -eq "timeline.$name" | Measure-Object -Property Value -Sum).Sum | Should -Be $all.$name
        }
        # Every market with a billable message, every callback data and every failure code has its row.
        @($numbers | Where-Object Field -eq 'market.Billable').Count | Should -Be @($byMarket.Values | Where-Object { (Get-Billable $_) -gt 0 }).Count
        @($numbers | Where-Object Field -eq 'group.Messages').Count | Should -Be $byCallback.Count
        @($numbers | Where-Object Field -eq 'failure.Count').Count | Should -Be $all.FailureCodes.Count
    }

    It 'loads nothing: no address in the page, and a load the page tried would show on the console' {
        $html = Get-Content -LiteralPath $page -Raw
        $html | Should -Not -Match '(?i)https?:|\s(src|href|srcset|xlink:href)\s*=|url\(|@import|<script|<link|<img|<iframe|<object'
        $html | Should -Match "default-src 'none'"
        # The check above sees what it should: the same page with an image to load shows the refusal on the console.
        $probe = Join-Path $TestDrive 'probe.html'
        Set-Content -LiteralPath $probe -Value ($html.Replace('</body>', '<img src="http://127.0.0.1:9/x.png" alt=""></body>')) -Encoding utf8NoBOM
        (Get-RenderedPage -Browser $browser -Page $probe).Console -join "`n" | Should -Match '127\.0\.0\.1:9'
    }

    It 'prints on A4' {
        $pdf = Save-PagePdf -Browser $browser -Page $page -OutFile (Join-Path $TestDrive 'report.pdf')
        $pdf.Console | Should -BeNullOrEmpty
        $text = [Text.Encoding]::Latin1.GetString([IO.File]::ReadAllBytes($pdf.Path))
        $boxes = [regex]::Matches($text, '/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]')
        $boxes.Count | Should -BeGreaterThan 0
        foreach ($box in $boxes) {
            # A4 is 595.28 x 841.89 points.
            [double]$box.Groups[1].Value | Should -BeGreaterThan 594
            [double]$box.Groups[1].Value | Should -BeLessThan 596.5
            [double]$box.Groups[2].Value | Should -BeGreaterThan 841
            [double]$box.Groups[2].Value | Should -BeLessThan 843
        }
    }

    It 'shows names from webhooks as text, never as markup' {
        $hostile = Join-Path $TestDrive 'hostile.jsonl'
        $status = @{
            object = 'whatsapp_business_account'
            entry  = @(@{ id = '1'; changes = @(@{ field = 'messages'; value = @{
                messaging_product = 'whatsapp'; metadata = @{ display_phone_number = '15550783881'; phone_number_id = '106540352242922' }
                statuses = @(
                    @{ id = 'wamid.H1'; status = 'failed'; timestamp = '1750263773'; recipient_id = '447911123456'
                       biz_opaque_callback_data = '<script>document.title="owned"</script>'
                       errors = @(@{ code = 131026; title = '"><img src=x onerror=alert(1)>' }) }
                    @{ id = 'wamid.H2'; status = 'delivered'; timestamp = '1750263780'; recipient_id = '447911123457'
                       biz_opaque_callback_data = '<b>bold</b>'; pricing = @{ billable = $true; category = '<i>cat</i>' } }
                ) } }) })
        }
        Set-Content -LiteralPath $hostile -Value ($status | ConvertTo-Json -Depth 10 -Compress) -Encoding utf8NoBOM
        $out = Join-Path $TestDrive 'hostile.html'
        Export-MMCampaignReport -Path $hostile -GroupBy CallbackData -OutFile $out -Title '</title><script>document.title="owned"</script>'
        $dom = (Get-RenderedPage -Browser $browser -Page $out)
        $dom.Console | Should -BeNullOrEmpty
        $dom.Dom | Should -Not -Match '(?i)<script|<img|<b>|<i>'
        $dom.Dom | Should -Not -Match '<title>owned'
        $dom.Dom | Should -Match '&lt;script&gt;document\.title="owned"&lt;/script&gt;'
        $dom.Dom | Should -Match '"&gt;&lt;img src=x onerror=alert\(1\)&gt;'
    }
}

Describe 'Export-MMCampaignReport with max-price deliveries and template analytics, in headless Chromium' {
    BeforeAll {
        $script:browser = Find-HeadlessBrowser
        if (-not $browser) { throw (Get-HeadlessBrowserHint) }
        # The emulator bills in euros, as the rate card is; flash_sale has a max price, so its deliveries name their price.
        $script:hooks = Join-Path $TestDrive 'max-price.jsonl'
        $script:emulator = Start-TestEmulator -AccountName report -Options @{
            WebhookPath = $hooks; TimeScale = 0.0005; ReadRate = 0.8; ClickRate = 0.5; Seed = 5; Currency = 'EUR' }
        $null = '+44 7911 500001', '+49 151 23456789', '+971 50 123 4567', '+234 803 123 4567' |
            Send-MarketingMessage -TemplateName flash_sale -BodyParameter Ada
        $null = '+44 7911 600001', '+49 151 23456790' | Send-MarketingMessage -TemplateName welcome_offer
        Wait-Until { $emulator.WebhooksPending -eq 0 }
        $script:card = Join-Path $PSScriptRoot '../../samples/rates.csv'
        Enable-MMTemplateAnalytics
        $script:days = @(Get-MMTemplateAnalytics -Name flash_sale, welcome_offer -Start ([DateTime]::UtcNow.Date))
        $script:maxPage = Join-Path $TestDrive 'max-price.html'
        Export-MMCampaignReport -Path $hooks -RateCard $card -Analytics $days -OutFile $maxPage -Title 'Flash sale'
        $script:maxRendered = Get-RenderedPage -Browser $browser -Page $maxPage
    }
    AfterAll {
        Get-MMAccount | Disconnect-MMAccount -Confirm:$false
        Stop-MMEmulator
    }

    It 'shows the actual cost Measure-MMCampaign gives per market and currency, beside the rate card for the same messages' {
        $maxRendered.Console | Should -BeNullOrEmpty
        foreach ($id in 'actual-cost', 'analytics') { $maxRendered.Dom | Should -Match "<section id=`"$id`">" }
        $all = Measure-MMCampaign -Path $hooks -RateCard $card
        $byMarket = @{}; Measure-MMCampaign -Path $hooks -RateCard $card -GroupBy Market | ForEach-Object { $byMarket[$_.Campaign] = $_ }
        $numbers = @(Get-PageNumbers $maxRendered.Dom)
        $actual = @($numbers | Where-Object Field -like 'actual.*')
        # Each market's flash_sale deliveries named their price; welcome_offer's did not, so the card estimates them.
        @($actual | Where-Object Field -eq 'actual.Amount').Count | Should -Be @($byMarket.Values | Where-Object { $_.ActualCosts }).Count
        foreach ($n in $actual) {
            $market, $currency = $n.Key -split ' '
            $cost = $byMarket[$market].ActualCosts | Where-Object Currency -eq $currency
            $expected = if ($n.Field -eq 'actual.Amount') { $cost.Amount } else { $cost.Messages }
            "$($n.Field) [$($n.Key)] = $($n.Value)" | Should -Be "$($n.Field) [$($n.Key)] = $([string]::Format([Globalization.CultureInfo]::InvariantCulture, '{0}', $expected))"
        }
        $total = $numbers | Where-Object { $_.Field -eq 'actualTotal.Amount' -and $_.Key -eq 'EUR' }
        [decimal]$total.Value | Should -Be $all.ActualCost
        $all.ActualCurrency | Should -Be 'EUR'
        ($numbers | Where-Object { $_.Field -eq 'actualTotal.Messages' }).Value | Should -Be "$($all.PricedMessages)"
        $all.PricedMessages | Should -BeGreaterThan 0
        $all.EstimatedMessages | Should -BeGreaterThan 0
        # The rate card's price for the same messages stands beside the actual one: every market here is on the card.
        $section = [regex]::Match($maxRendered.Dom, '<section id="actual-cost">.*?</section>', 'Singleline').Value
        $section | Should -Match 'All markets, EUR</td><td[^>]*>[\d,]+</td><td[^>]*>[\d.]+ EUR</td><td class="n">[\d.]+ EUR</td><td class="n">[+-]?[\d.]+ EUR</td>'
    }

    It 'shows each template analytics row Get-MMTemplateAnalytics gave, with its language' {
        $rows = @(Get-PageNumbers $maxRendered.Dom | Where-Object Field -eq 'analytics.Delivered')
        $rows.Count | Should -Be $days.Count
        foreach ($day in $days) {
            $key = '{0:yyyy-MM-dd} {1} ({2})' -f $day.Start.UtcDateTime, $day.TemplateName, $day.LanguageCode
            ($rows | Where-Object Key -eq $key).Value | Should -Be "$($day.Delivered)"
        }
        ($days | Measure-Object Delivered -Sum).Sum | Should -Be (Measure-MMCampaign -Path $hooks).Delivered
    }
}

Describe 'Export-MMCampaignReport writes one file' {
    It 'refuses to replace a file without -Force, replaces it with -Force, and returns it with -PassThru' {
        $out = Join-Path $TestDrive 'again.html'
        Set-Content -LiteralPath $out -Value 'keep me'
        { Export-MMCampaignReport @inputs -OutFile $out -ErrorAction Stop } | Should -Throw -ErrorId 'ReportFileExists,*'
        Get-Content -LiteralPath $out -Raw | Should -Be "keep me$([Environment]::NewLine)"

        $file = Export-MMCampaignReport @inputs -OutFile $out -Force -PassThru
        $file | Should -BeOfType ([IO.FileInfo])
        $file.FullName | Should -Be (Resolve-Path $out).ProviderPath
        Get-Content -LiteralPath $out -Raw | Should -Match '^<!DOCTYPE html>'
        # Written beside the target and moved over it: no temporary file stays behind.
        @(Get-ChildItem -LiteralPath $TestDrive -Force -Filter '.again.html.*').Count | Should -Be 0
    }

    It '-WhatIf reads nothing and writes nothing' {
        $out = Join-Path $TestDrive 'whatif.html'
        Export-MMCampaignReport -Path (Join-Path $TestDrive 'no-such-file.jsonl') -OutFile $out -WhatIf -ErrorVariable problems
        $problems | Should -BeNullOrEmpty
        Test-Path -LiteralPath $out | Should -BeFalse
    }

    It 'names a missing folder or a folder given as the file, before reading anything' {
        $missing = Join-Path $TestDrive 'no/such/folder/report.html'
        { Export-MMCampaignReport @inputs -OutFile $missing -ErrorAction Stop } | Should -Throw -ErrorId 'ReportWriteFailed,*'
        try { Export-MMCampaignReport @inputs -OutFile $missing -ErrorAction Stop } catch { $_.Exception.Message | Should -BeLike '*does not exist: create it first*' }
        { Export-MMCampaignReport @inputs -OutFile $TestDrive -ErrorAction Stop } | Should -Throw -ErrorId 'ReportWriteFailed,*'
        { Export-MMCampaignReport @inputs -OutFile 'Env:report.html' -ErrorAction Stop } | Should -Throw -ErrorId 'NotAFileSystemPath,*'
    }

    It 'counts events piped from ConvertFrom-MMWebhook as it counts the files' {
        $fromFiles = Join-Path $TestDrive 'files.html'
        $piped = Join-Path $TestDrive 'piped.html'
        Export-MMCampaignReport @inputs -OutFile $fromFiles
        $pipedInputs = @{} + $inputs
        $pipedInputs.Remove('Path')
        ConvertFrom-MMWebhook -Path $inputs.Path -ErrorAction SilentlyContinue | Export-MMCampaignReport @pipedInputs -OutFile $piped
        $a = Get-PageNumbers (Get-Content -LiteralPath $fromFiles -Raw) | ForEach-Object { "$($_.Field) $($_.Key) $($_.Value)" }
        $b = Get-PageNumbers (Get-Content -LiteralPath $piped -Raw) | ForEach-Object { "$($_.Field) $($_.Key) $($_.Value)" }
        $a.Count | Should -BeGreaterThan 20
        $b | Should -Be $a
    }

    It 'says -GroupBy Template needs the journal, as Measure-MMCampaign does' {
        { Export-MMCampaignReport -Path $inputs.Path -GroupBy Template -OutFile (Join-Path $TestDrive 't.html') -ErrorAction Stop } |
            Should -Throw -ErrorId 'JournalRequired,*'
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:fixtures = Join-Path $PSScriptRoot '../fixtures/webhooks'
    $script:events = ConvertFrom-MMWebhook -Path (Join-Path $fixtures 'campaign.jsonl') -ErrorAction SilentlyContinue
}

Describe 'Measure-MMCampaign' {
    It 'counts each message once at its furthest state and each click once' {
        $row = $events | Measure-MMCampaign
        $row.GetType().FullName | Should -Be 'Dialog360.MM.Core.Reporting.MMCampaignSummary'
        $row.Campaign | Should -Be '(all)'
        $row.Messages, $row.Sent, $row.Delivered, $row.Read, $row.Failed, $row.Clicked | Should -Be @(5, 3, 2, 1, 2, 2)
        $row.DeliveryRate | Should -Be 0.4
        $row.ReadRate | Should -Be 0.5
        $row.TopFailureCodes | Should -Be '131049 (1), 131050 (1)'
    }

    It 'groups by callback data' {
        $rows = $events | Measure-MMCampaign -GroupBy CallbackData
        $spring = $rows | Where-Object Campaign -eq 'spring'
        $spring.Messages, $spring.Sent, $spring.Delivered, $spring.Read, $spring.Failed | Should -Be @(3, 2, 1, 1, 1)
        ($rows | Where-Object Campaign -eq '(unattributed clicks)').Clicked | Should -Be 2
    }

    It 'groups by template through the send journal, counting sends without status as pending, and warns about broken lines' {
        $rows = $events | Measure-MMCampaign -GroupBy Template -JournalPath (Join-Path $fixtures 'journal.jsonl') -WarningVariable warned -WarningAction SilentlyContinue
        $spring = $rows | Where-Object Campaign -eq 'spring_sale'
        $spring.Messages, $spring.Pending, $spring.Recipients | Should -Be @(4, 1, 4)
        ($rows | Where-Object Campaign -eq 'autumn_teaser').Failed | Should -Be 1
        $warned[0].Message | Should -Match 'journal.jsonl, line 8'
    }

    It 'reads files with -Path, -LiteralPath and from Get-ChildItem to the same rows as the pipeline, reporting the half line' {
        $file = Join-Path $fixtures 'campaign.jsonl'
        $piped = $events | Measure-MMCampaign -GroupBy CallbackData -JournalPath (Join-Path $fixtures 'journal.jsonl') -WarningAction SilentlyContinue
        $direct = Measure-MMCampaign -Path (Join-Path $fixtures 'camp*.jsonl') -GroupBy CallbackData -JournalPath (Join-Path $fixtures 'journal.jsonl') -ErrorVariable problems -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        ($direct | ConvertTo-Json -Depth 4) | Should -Be ($piped | ConvertTo-Json -Depth 4)
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'InvalidWebhookJson,*'
        $problems[0].Exception.Message | Should -BeLike '*campaign.jsonl, line 6: *'

        (Measure-MMCampaign -LiteralPath $file -ErrorAction SilentlyContinue).Messages | Should -Be 5
        (Get-Item $file | Measure-MMCampaign -ErrorAction SilentlyContinue).Messages | Should -Be 5
    }

    It 'folds several files into one funnel and goes on past a missing one with WebhookFileNotFound' {
        $rows = Measure-MMCampaign -LiteralPath (Join-Path $fixtures 'missing.jsonl'), (Join-Path $fixtures 'status-sent-marketing-lite.json'), (Join-Path $fixtures 'status-failed.json') -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'WebhookFileNotFound,*'
        $rows.Messages, $rows.Sent, $rows.Failed | Should -Be @(2, 1, 1)
    }

    It 'says so when a wildcard matches no file, rather than give an empty funnel' {
        $folder = Join-Path $TestDrive 'typo'
        $null = New-Item -ItemType Directory -Force (Join-Path $folder 'old.jsonl')
        Copy-Item (Join-Path $fixtures 'status-failed.json') -Destination (Join-Path $folder 'x[1].jsonl')

        $null = Measure-MMCampaign -Path (Join-Path $folder 'zz*.jsonl') -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'WebhookFileNotFound,*'
        $problems[0].Exception.Message | Should -BeLike "No webhook file matches '*zz*.jsonl'."

        # Brackets are wildcards to -Path; the message points to -LiteralPath, which reads the file.
        $null = Measure-MMCampaign -Path (Join-Path $folder 'x[1].jsonl') -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].Exception.Message | Should -BeLike '*give a name with brackets to -LiteralPath*'
        (Measure-MMCampaign -LiteralPath (Join-Path $folder 'x[1].jsonl')).Failed | Should -Be 1

        # A folder whose name looks like a file, piped in from Get-ChildItem, is named as a folder; the files are read.
        $row = Get-ChildItem (Join-Path $folder '*.jsonl') | Measure-MMCampaign -ErrorVariable problems -ErrorAction SilentlyContinue
        $row.Failed | Should -Be 1
        $problems[0].Exception.Message | Should -BeLike "*old.jsonl' is a folder, not a webhook file*"
    }

    It 'skips a delivery over -MaxDeliveryBytes with WebhookDeliveryTooLarge' {
        $file = Join-Path $TestDrive 'big.jsonl'
        $good = [IO.File]::ReadAllLines((Join-Path $fixtures 'status-sent-marketing-lite.json')) -join ''
        Set-Content -LiteralPath $file -Value @(('{"entry":[],"pad":"' + ('x' * 5000) + '"}'), $good)
        $row = Measure-MMCampaign -Path $file -MaxDeliveryBytes 2KB -ErrorVariable problems -ErrorAction SilentlyContinue
        $row.Sent | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'WebhookDeliveryTooLarge,*'
    }

    It 'refuses -GroupBy Template without a journal with JournalRequired' {
        { $events | Measure-MMCampaign -GroupBy Template } | Should -Throw -ErrorId 'JournalRequired,*'
    }

    It 'fails with JournalNotFound for a missing journal' {
        { $events | Measure-MMCampaign -JournalPath (Join-Path $fixtures 'no-journal.jsonl') } | Should -Throw -ErrorId 'JournalNotFound,*'
    }

    It 'shows rows as a table with rates in percent' {
        $text = $events | Measure-MMCampaign | Format-Table | Out-String -Width 200
        $text | Should -Match 'Campaign\s+Messages\s+Sent\s+Delivered'
        $text | Should -Match '\(all\)\s+5\s+3\s+2\s+1\s+2\s+2\s+40[.,]0'
        # Two clicks on two deliveries: the click rate shows whole, not cut to "…0.0 %".
        $text | Should -Match '\s100[.,]0\s?%'
        $text | Should -Not -Match '…'
    }
}

Describe 'Measure-MMCampaign -Path on a damaged file large enough to be read in parts' {
    BeforeAll {
        # 40,000 statuses of distinct messages, ~17 MB: more than twice the part size, so that two cores read it at once.
        $script:damaged = Join-Path $TestDrive 'damaged.jsonl'
        $statuses = 'sent', 'delivered', 'read', 'failed'
        $writer = [IO.StreamWriter]::new($damaged, $false, [Text.UTF8Encoding]::new($false))
        $script:lost = 0
        try {
            for ($i = 0; $i -lt 40000; $i++) {
                $line = '{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"statuses":[{"id":"wamid.HBgLNDQ3NzAwOTAwMDAxFQIAERgSQjVDRjQ2RTk' + $i.ToString('d8') + '","status":"' + $statuses[$i % 4] + '","timestamp":"' + (1750263773 + $i) + '","recipient_id":"4477009' + ($i % 25000).ToString('d5') + '","biz_opaque_callback_data":"spring-' + ($i % 3) + '","pricing":{"billable":true,"pricing_model":"PMP","category":"marketing_lite","type":"regular"}}]},"field":"messages"}]}]}'
                # Damage near the start, all around the middle (where the file is cut in two) and near the end.
                $near = ($i -ge 19980 -and $i -lt 20040) -or $i -in 7, 39990
                switch ($(if ($near) { $i % 6 } else { -1 })) {
                    0 { $line += ',' }
                    1 { $line += ' }' }
                    2 { $line += '{"obj' }
                    3 { $line = $line.Substring(0, 200); $script:lost++ }
                    4 { $writer.Write("not JSON`n") }
                    5 { $writer.Write($line.Substring(250) + "`n") }
                }
                $writer.Write($line + "`n")
            }
        } finally { $writer.Dispose() }
    }

    It 'gives the funnel and the errors of ConvertFrom-MMWebhook, and loses only the cut lines' {
        (Get-Item $damaged).Length | Should -BeGreaterThan (2 * 8MB)
        $piped = ConvertFrom-MMWebhook -Path $damaged -ErrorVariable convertErrors -ErrorAction SilentlyContinue | Measure-MMCampaign
        $direct = Measure-MMCampaign -Path $damaged -ErrorVariable measureErrors -ErrorAction SilentlyContinue
        $direct.Messages | Should -Be (40000 - $lost)
        ($direct | ConvertTo-Json -Depth 4) | Should -Be ($piped | ConvertTo-Json -Depth 4)
        $measureErrors.Count | Should -BeGreaterThan 40
        $measureErrors.Exception.Message | Should -Be $convertErrors.Exception.Message
    }
}

Describe 'Measure-MMCampaign: what a campaign cost' {
    BeforeAll {
        $script:priced = ConvertFrom-MMWebhook -Path (Join-Path $fixtures 'pricing.jsonl')
        $script:card = Join-Path $fixtures 'rate-card.csv'
    }

    It 'counts billable messages per pricing category, MM route apart from Cloud API fallbacks' {
        $row = $priced | Measure-MMCampaign
        $row.BillableMarketingLite, $row.BillableMarketing | Should -Be @(4, 1)
        $row.EstimatedCost | Should -BeNullOrEmpty
    }

    It 'estimates the cost with -RateCard and warns which market the card lacks' {
        $row = $priced | Measure-MMCampaign -RateCard $card -WarningVariable warned -WarningAction SilentlyContinue
        $row.EstimatedCost | Should -Be 0.2141
        $row.Currency | Should -Be 'EUR'
        $row.MissingRates | Should -Be 'IN marketing_lite (1)'
        $warned.Count | Should -Be 1
        $warned[0].Message | Should -Match 'IN marketing_lite'
    }

    It 'sums the actual prices max-price deliveries name, per currency, and estimates only the rest' {
        $file = Join-Path $fixtures 'max-price.jsonl'
        $rows = Measure-MMCampaign -Path $file -GroupBy Market -RateCard $card -WarningAction SilentlyContinue
        $gb = $rows | Where-Object Campaign -eq 'GB'
        $gb.ActualCost, $gb.ActualCurrency, $gb.PricedMessages | Should -Be @(0.065, 'EUR', 2)
        $gb.EstimatedMessages, $gb.EstimatedCost | Should -Be @(2, 0.076)
        @(($rows | Where-Object Campaign -eq 'US').ActualCosts)[0].ToString() | Should -Be '0.012 USD'
        $text = $rows | Format-Table | Out-String -Width 200
        $text | Should -Match 'Cost'
        $text | Should -Match 'GB\s.*0[.,]07 EUR \+ ~0[.,]08 EUR'

        $all = Measure-MMCampaign -Path $file -WarningVariable warned -WarningAction SilentlyContinue
        @($all.ActualCosts).ForEach({ $_.ToString() }) | Should -Be @('0.085 EUR', '0.012 USD')
        $all.ActualCost | Should -BeNullOrEmpty -Because 'two currencies are never added together'
        $warned.Count | Should -Be 1
        $warned[0].Message | Should -BeLike '2 billable message(s) named no actual price*-RateCard*'
        (ConvertFrom-MMWebhook -Path $file | Measure-MMCampaign -WarningAction SilentlyContinue | ConvertTo-Json -Depth 5) | Should -Be ($all | ConvertTo-Json -Depth 5)
    }

    It 'totals the missing rates over campaigns in one warning, each market once' {
        $status = '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"statuses":[{"id":"wamid.ID","status":"delivered","timestamp":"1750263773","recipient_id":"447700900001","biz_opaque_callback_data":"TAG","pricing":{"billable":true,"pricing_model":"PMP","category":"marketing_lite"}}]}}]}]}'
        $file = Join-Path $TestDrive 'two-campaigns.jsonl'
        Set-Content $file ($status -creplace 'ID', 'A' -creplace 'TAG', 'spring'), ($status -creplace 'ID', 'B' -creplace 'TAG', 'autumn')
        $card = Join-Path $TestDrive 'de-only.csv'
        Set-Content $card "Market,Category,Price,Currency`nDE,marketing_lite,0.05,EUR"
        $rows = Measure-MMCampaign -Path $file -GroupBy CallbackData -RateCard $card -WarningVariable warned -WarningAction SilentlyContinue
        $rows.MissingRates | Should -Be @('+44 marketing_lite (1)', '+44 marketing_lite (1)')
        $warned.Count | Should -Be 1
        $warned[0].Message | Should -BeLike 'The rate card has no price for +44 marketing_lite (2): 2 billable message(s)*'
    }

    It 'warns when the journal names no sent message, as when a webhook file is given as -JournalPath' {
        $null = Measure-MMCampaign -Path (Join-Path $fixtures 'status-failed.json') -JournalPath (Join-Path $fixtures 'campaign.jsonl') -WarningVariable warned -WarningAction SilentlyContinue
        $warned[-1].Message | Should -BeLike '*names no sent message*webhook files go to -Path*'
    }

    It 'warns when nothing read is a status or a click, as when a send journal is given as -Path' {
        $row = Measure-MMCampaign -Path (Join-Path $fixtures 'journal.jsonl') -WarningVariable warned -WarningAction SilentlyContinue -ErrorAction SilentlyContinue
        $row.Messages | Should -Be 0
        $warned[-1].Message | Should -BeLike 'None of the * events read is a status or a click*-JournalPath*'
    }

    It 'gives one row per market with -GroupBy Market' {
        $rows = $priced | Measure-MMCampaign -GroupBy Market -RateCard $card -WarningAction SilentlyContinue
        ($rows.Campaign | Sort-Object) -join ',' | Should -Be 'DE,GB,IN,US'
        ($rows | Where-Object Campaign -eq 'GB').EstimatedCost | Should -Be 0.076
    }

    It 'places statuses known only by business-scoped user ID in their country with -GroupBy Market, from a file and from events alike' {
        $file = Join-Path $fixtures 'bsuid-statuses.jsonl'
        $rows = Measure-MMCampaign -Path $file -GroupBy Market
        ($rows.Campaign | Sort-Object) -join ',' | Should -Be 'BR,DE,GB,IN'
        ($rows | Where-Object Campaign -eq 'DE').Delivered | Should -Be 1
        ($rows | Where-Object Campaign -eq 'IN').Failed | Should -Be 1
        (ConvertFrom-MMWebhook -Path $file | Measure-MMCampaign -GroupBy Market | ConvertTo-Json) | Should -Be ($rows | ConvertTo-Json)
    }

    It 'fails with <ErrorId> for <Case>' -ForEach @(
        @{ Case = 'a missing rate card'; Content = $null; ErrorId = 'RateCardNotFound' }
        @{ Case = 'a rate card without a Price column'; Content = "Market,Category,Currency`nGB,marketing,EUR"; ErrorId = 'InvalidRateCard' }
    ) {
        $path = Join-Path $TestDrive 'card.csv'
        if ($Content) { Set-Content -LiteralPath $path -Value $Content }
        { $priced | Measure-MMCampaign -RateCard $path } | Should -Throw -ErrorId "$ErrorId,*"
    }
}

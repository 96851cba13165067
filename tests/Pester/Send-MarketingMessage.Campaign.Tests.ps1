# The campaign engine as a runbook meets it: retries, journal and reruns, a killed process, every parameter kind.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    function Get-Body { param($Emulator) $Emulator.Requests | Where-Object Method -eq 'POST' | Select-Object -Last 1 | ForEach-Object Body }
    function New-Numbers([int] $Count, [int] $Start = 0) { 1..$Count | ForEach-Object { '447911{0:D6}' -f ($Start + $_) } }
}
AfterAll {
    Get-MMAccount | Disconnect-MMAccount -Confirm:$false
    Stop-MMEmulator
}

Describe 'Retries' {
    BeforeAll {
        $script:emulator = Start-TestEmulator -AccountName retry -Options @{
            Fault = @{ '447911000101' = 429; '447911000102' = 503, 503; '447911000103' = 0; '447911000104' = 429, 429, 429, 429, 429 }
        }
    }
    AfterAll { $emulator | Stop-MMEmulator }

    It 'retries a 429 after its Retry-After and a 503 twice, then is accepted once' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $results = '447911000101', '447911000102' | Send-MarketingMessage -TemplateName welcome_offer -Account retry -MaxRetries 3
        $byNumber = @{}; $results | ForEach-Object { $byNumber[$_.To] = $_ }
        $byNumber['447911000101'].Status | Should -Be 'Accepted'
        $byNumber['447911000101'].Attempts | Should -Be 2
        $byNumber['447911000102'].Status | Should -Be 'Accepted'
        $byNumber['447911000102'].Attempts | Should -Be 3
        $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.9 -Because 'the 429 said Retry-After: 1'
        $emulator.AcceptedCount('447911000101') | Should -Be 1
        $emulator.AcceptedCount('447911000102') | Should -Be 1
    }

    It 'gives up after -MaxRetries with the rate-limit code' {
        $result = Send-MarketingMessage -To 447911000104 -TemplateName welcome_offer -Account retry -MaxRetries 1 -ErrorVariable e -ErrorAction SilentlyContinue
        $result.Status | Should -Be 'Failed'
        $result.Attempts | Should -Be 2
        $result.ErrorCode | Should -Be '130429'
        $e[0].FullyQualifiedErrorId | Should -BeLike 'ApiError130429,*'
        $e[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
    }

    It 'reports a dropped connection as Unknown and does not resend it' {
        $result = Send-MarketingMessage -To 447911000103 -TemplateName welcome_offer -Account retry -ErrorVariable e -ErrorAction SilentlyContinue
        $result.Status | Should -Be 'Unknown'
        $result.Attempts | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'SendInDoubt,*'
        $e[0].Exception.InnerException.Message | Should -Match 'broke off|Could not reach'
        $emulator.AcceptedCount('447911000103') | Should -Be 1 -Because 'the emulator accepted it before the connection dropped'
    }
}

Describe 'Journal' {
    BeforeAll {
        $script:emulator = Start-TestEmulator -AccountName journal -Options @{ Fault = @{ '447911000203' = 0 } }
    }
    AfterAll { $emulator | Stop-MMEmulator }

    It 'skips accepted recipients on a rerun, keeps in-doubt ones back, and resends them only with -RetryUnknown' {
        $journal = Join-Path $TestDrive 'campaign.journal'
        $numbers = '447911000201', '447911000202', '447911000203'
        $first = $numbers | Send-MarketingMessage -TemplateName welcome_offer -Account journal -JournalPath $journal -ErrorAction SilentlyContinue
        ($first | Where-Object To -eq '447911000203').Status | Should -Be 'Unknown'

        $second = $numbers + '447911000204' | Send-MarketingMessage -TemplateName welcome_offer -Account journal -JournalPath $journal -ErrorVariable e -ErrorAction SilentlyContinue
        $byNumber = @{}; $second | ForEach-Object { $byNumber[$_.To] = $_.Status }
        $byNumber['447911000201'] | Should -Be 'Skipped'
        $byNumber['447911000202'] | Should -Be 'Skipped'
        $byNumber['447911000203'] | Should -Be 'Unknown'
        $byNumber['447911000204'] | Should -Be 'Accepted'
        $e.FullyQualifiedErrorId | Should -BeLike 'SendInDoubt,*'
        $emulator.AcceptedCount('447911000201') | Should -Be 1

        $third = '447911000203' | Send-MarketingMessage -TemplateName welcome_offer -Account journal -JournalPath $journal -RetryUnknown
        $third.Status | Should -Be 'Accepted'
        $emulator.AcceptedCount('447911000203') | Should -Be 2 -Because '-RetryUnknown resends what may already have arrived'
    }

    It 'creates no journal with -WhatIf' {
        $journal = Join-Path $TestDrive 'whatif.journal'
        Send-MarketingMessage -To 447911000501 -TemplateName welcome_offer -Account journal -JournalPath $journal -WhatIf
        Test-Path $journal | Should -BeFalse
        $emulator.AcceptedCount('447911000501') | Should -Be 0
    }

    It 'sends a number that appears twice in the input once' {
        $journal = Join-Path $TestDrive 'dupes.journal'
        $results = '447911000301', '+44 7911 000301' | Send-MarketingMessage -TemplateName welcome_offer -Account journal -JournalPath $journal
        ($results.Status | Sort-Object) | Should -Be @('Accepted', 'Skipped')
        $emulator.AcceptedCount('447911000301') | Should -Be 1
    }

    It 'writes intent and outcome lines that Measure-MMCampaign can join' {
        $journal = Join-Path $TestDrive 'lines.journal'
        $null = Send-MarketingMessage -To 447911000401 -TemplateName welcome_offer -Account journal -JournalPath $journal -CallbackData spring
        $lines = Get-Content $journal | ConvertFrom-Json
        $lines[0].kind | Should -Be 'campaign'
        $lines[0].templateName | Should -Be 'welcome_offer'
        $lines[0].languageCode | Should -Be 'en'
        $lines[0].route | Should -Be 'MarketingMessages'
        $lines[1].kind | Should -Be 'intent'
        $lines[2].kind | Should -Be 'outcome'
        $lines[2].status | Should -Be 'Accepted'
        $lines[2].messageId | Should -Match '^wamid\.'
        $lines[2].callbackData | Should -Be 'spring'
        $lines[1].templateName | Should -Be 'welcome_offer'
    }
}

Describe 'A campaign killed half-way and run again' {
    BeforeAll {
        $script:emulator = Start-MMEmulator -Latency ([timespan]::FromMilliseconds(100))
        $script:numbers = New-Numbers 300 -Start 500000
        $script:journal = Join-Path $TestDrive 'killed.journal'
        $script:numbersFile = Join-Path $TestDrive 'numbers.txt'
        $numbers | Set-Content $numbersFile
        $emulator | Connect-MMAccount -Name killed
    }
    AfterAll { $emulator | Stop-MMEmulator }

    It 'messages nobody twice and completes the campaign' {
        $script = @"
Import-Module '$(Get-TestModulePath)'
Connect-MMAccount -BaseUri '$($emulator.BaseUri)' -SkipValidation
Get-Content '$numbersFile' | Send-MarketingMessage -TemplateName welcome_offer -JournalPath '$journal' -ThrottleLimit 8 -MessagesPerSecond 200 | Out-Null
"@
        $child = Start-TestPwsh -Script $script -OutputPrefix (Join-Path $TestDrive 'child') -Environment @{ D360_API_KEY = $emulator.ApiKey }
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ($emulator.AcceptedByRecipient.Count -lt 60 -and [DateTime]::UtcNow -lt $deadline -and -not $child.HasExited) { Start-Sleep -Milliseconds 50 }
        $child.HasExited | Should -BeFalse -Because 'the child must be killed mid-campaign'
        $child.Kill()   # SIGKILL: no finally blocks, no flushing
        $child.WaitForExit()
        $sentBeforeKill = $emulator.AcceptedByRecipient.Count
        $sentBeforeKill | Should -BeLessThan 300

        $rerun = Get-Content $numbersFile | Send-MarketingMessage -TemplateName welcome_offer -Account killed -JournalPath $journal -ThrottleLimit 32 -MessagesPerSecond 1000 -ErrorAction SilentlyContinue
        $rerun.Count | Should -Be 300 -Because 'every input yields exactly one result'
        $unknown = @($rerun | Where-Object Status -eq 'Unknown' | ForEach-Object To)
        ($rerun | Where-Object Status -eq 'Skipped').Count | Should -BeGreaterThan 0
        foreach ($n in $numbers) {
            $count = $emulator.AcceptedCount($n)
            if ($n -in $unknown) { $count | Should -BeLessOrEqual 1 -Because "$n is in doubt" }
            else { $count | Should -Be 1 -Because "$n must get the message exactly once" }
        }

        $final = $unknown | Send-MarketingMessage -TemplateName welcome_offer -Account killed -JournalPath $journal -RetryUnknown
        @($final | Where-Object Status -ne 'Accepted').Count | Should -Be 0
        foreach ($n in $numbers) { $emulator.AcceptedCount($n) | Should -BeGreaterOrEqual 1 }
    }
}

Describe 'Bodies for every parameter kind' {
    BeforeAll { $script:emulator = Start-TestEmulator -AccountName kinds }
    AfterAll { $emulator | Stop-MMEmulator }

    It 'writes currency and date_time body parameters' {
        $null = Send-MarketingMessage -To 447911000001 -TemplateName spring_sale -Account kinds `
            -BodyParameter @{ Currency = 'usd'; Amount = 25.5; Fallback = '$25.50' }, @{ DateTime = [datetime]'2026-12-24'; Fallback = 'Christmas Eve' }
        Get-Body $emulator | Should -BeLike '*"components":`[{"type":"body","parameters":`[{"type":"currency","currency":{"fallback_value":"$25.50","code":"USD","amount_1000":25500}},{"type":"date_time","date_time":{"fallback_value":"Christmas Eve"}}]}]*'
    }

    It 'takes body parameters from CSV columns, per row, and reads national numbers with -DefaultRegion' {
        $rows = "Mobile,FirstName,Discount`n07911 000011,Ada,20%`n07911 000012,Bob,10%" | ConvertFrom-Csv
        $results = $rows | Send-MarketingMessage -TemplateName spring_sale -Account kinds -BodyParameterProperty FirstName, Discount -DefaultRegion GB
        ($results.To | Sort-Object) | Should -Be @('447911000011', '447911000012')
        $bodies = $emulator.Requests | Where-Object Method -eq POST | Select-Object -Last 2 | ForEach-Object Body
        ($bodies -join "`n") | Should -Match '"to":"447911000011".*"text":"Ada"\},\{"type":"text","text":"20%"'
        ($bodies -join "`n") | Should -Match '"to":"447911000012".*"text":"Bob"\},\{"type":"text","text":"10%"'
    }

    It 'names the row and column when a column is missing' {
        $rows = "Phone,FirstName`n+447911000013,Ada" | ConvertFrom-Csv
        $result = $rows | Send-MarketingMessage -TemplateName spring_sale -Account kinds -BodyParameterProperty FirstName, Discount -ErrorVariable e -ErrorAction SilentlyContinue
        $result.Status | Should -Be 'Failed'
        $e[0].Exception.Message | Should -Match "Row 1: .*'Discount'"
        $e[0].FullyQualifiedErrorId | Should -BeLike 'MissingColumn,*'
    }

    It 'rejects an impossible number before sending' {
        $before = $emulator.RequestCount
        $null = Send-MarketingMessage -To '+44 7911 12345678' -TemplateName welcome_offer -Account kinds -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidPhoneNumber,*'
        $emulator.RequestCount | Should -Be $before
    }

    It 'takes TemplateName, LanguageCode and CallbackData from columns' {
        $rows = "To,TemplateName,LanguageCode,CallbackData`n+447911000021,spring_sale,de,de-wave" | ConvertFrom-Csv
        $result = $rows | Send-MarketingMessage -BodyParameter Anna, '20 %' -Account kinds
        $result.Status | Should -Be 'Accepted'
        $result.CallbackData | Should -Be 'de-wave'
        Get-Body $emulator | Should -Match '"name":"spring_sale","language":\{"code":"de"'
        Get-Body $emulator | Should -Match '"biz_opaque_callback_data":"de-wave"'
    }

    It 'refuses an unknown -DefaultRegion before sending' {
        { Send-MarketingMessage -To '+447911000001' -TemplateName welcome_offer -Account kinds -DefaultRegion XX } |
            Should -Throw -ErrorId 'InvalidDefaultRegion,*'
    }

    It 'refuses CallbackData over 512 characters before sending' {
        { Send-MarketingMessage -To 447911000001 -TemplateName welcome_offer -Account kinds -CallbackData ('x' * 513) } |
            Should -Throw -ErrorId 'CallbackDataTooLong,*'
    }

    It 'refuses a malformed hashtable, naming the parameter, before sending' {
        { Send-MarketingMessage -To 447911000001 -TemplateName spring_sale -Account kinds -BodyParameter @{ Currency = 'USD' }, x } |
            Should -Throw -ErrorId 'InvalidBodyParameter,*'
        { Send-MarketingMessage -To 447911000001 -TemplateName welcome_offer -Account kinds -ButtonParameter @{ Index = 0 } } |
            Should -Throw -ErrorId 'InvalidButtonParameter,*'
    }
}

Describe 'Header, buttons, raw components and product policy' {
    BeforeAll { $script:emulator = Start-TestEmulator -AccountName parts }
    AfterAll { $emulator | Stop-MMEmulator }

    It 'writes them in the order header, body, buttons, raw components' {
        $null = Send-MarketingMessage -To 447911000001 -TemplateName welcome_offer -Account parts -ProductPolicy Strict `
            -HeaderParameter @{ Document = 'https://example.com/terms.pdf'; Filename = 'terms.pdf' } `
            -ButtonParameter @{ Index = 0; Url = 'bf-2026' }, @{ Index = 1; QuickReply = 'STOP' }, @{ Index = 2; CopyCode = 'BF20' } `
            -Component '{"type":"limited_time_offer","parameters":[{"type":"limited_time_offer","limited_time_offer":{"expiration_time_ms":1767225600000}}]}'
        $body = $emulator.Requests | Where-Object Method -eq POST | Select-Object -Last 1 | ForEach-Object Body
        $body | Should -BeExactly ('{"messaging_product":"whatsapp","recipient_type":"individual","to":"447911000001","type":"template","template":{"name":"welcome_offer","language":{"code":"en","policy":"deterministic"},"components":[' +
            '{"type":"header","parameters":[{"type":"document","document":{"link":"https://example.com/terms.pdf","filename":"terms.pdf"}}]},' +
            '{"type":"button","sub_type":"url","index":"0","parameters":[{"type":"text","text":"bf-2026"}]},' +
            '{"type":"button","sub_type":"quick_reply","index":"1","parameters":[{"type":"payload","payload":"STOP"}]},' +
            '{"type":"button","sub_type":"copy_code","index":"2","parameters":[{"type":"coupon_code","coupon_code":"BF20"}]},' +
            '{"type":"limited_time_offer","parameters":[{"type":"limited_time_offer","limited_time_offer":{"expiration_time_ms":1767225600000}}]}]},"product_policy":"STRICT"}')
    }
}

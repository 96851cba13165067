BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:fixtures = Join-Path $PSScriptRoot '../fixtures/webhooks'
}

Describe 'ConvertFrom-MMWebhook' {
    It 'reads a status delivery from -Path into a typed status event' {
        $event = ConvertFrom-MMWebhook -Path (Join-Path $fixtures 'status-sent-marketing-lite.json')
        # By name: on PowerShell 7 the module's types live in its own load context, out of reach of type literals.
        $event.GetType().FullName | Should -Be 'Dialog360.MM.Core.Webhooks.MMStatusEvent'
        $event.EventType | Should -Be 'Status'
        $event.Status | Should -Be 'sent'
        $event.IsMarketingLite | Should -BeTrue
        $event.CallbackData | Should -Be 'spring-2026'
        $event.Timestamp | Should -Be ([DateTimeOffset]::FromUnixTimeSeconds(1750263773))
        $event.WabaId | Should -Be '102290129340398'
    }

    It 'takes wildcards and reads JSON lines, a JSON array and single deliveries alike' {
        $events = ConvertFrom-MMWebhook -Path (Join-Path $fixtures '*.json')
        ($events | Where-Object EventType -eq 'Status').Status | Sort-Object | Should -Be @('delivered', 'failed', 'failed', 'sent', 'sent')
        ($events | Where-Object EventType -eq 'Click').ClickId | Should -Be 'CLICK_ID_0001'
        ($events | Where-Object { $_.EventType -eq 'Message' -and $_.Type -eq 'button' }).Payload | Should -Be 'Unsubscribe'
        @($events | Where-Object EventType -eq 'Unknown').Field | Sort-Object |
            Should -Be @('group_lifecycle_update', 'group_participants_update', 'group_settings_update')
    }

    It 'writes InvalidWebhookJson naming the file and line for a half line, and reads the rest' {
        $file = Join-Path $fixtures 'campaign.jsonl'
        $events = ConvertFrom-MMWebhook -Path $file -ErrorVariable problems -ErrorAction SilentlyContinue
        $events.Count | Should -Be 14
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'InvalidWebhookJson,*'
        $problems[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $problems[0].TargetObject | Should -Be (Resolve-Path $file).ProviderPath
        $problems[0].Exception.Message | Should -BeLike '*campaign.jsonl, line 6: *'
    }

    It 'reads a file Windows PowerShell 5.1 wrote as UTF-16 (> or Out-File) like the UTF-8 original, and so do Measure-MMCampaign and Add-MMSuppression' {
        $utf16 = Join-Path $TestDrive 'campaign-utf16.jsonl'
        Get-Content (Join-Path $fixtures 'campaign.jsonl') | Out-File -LiteralPath $utf16 -Encoding unicode
        [IO.File]::ReadAllBytes($utf16)[0..1] | Should -Be @(0xFF, 0xFE)
        $original = ConvertFrom-MMWebhook -Path (Join-Path $fixtures 'campaign.jsonl') -ErrorAction SilentlyContinue
        $converted = ConvertFrom-MMWebhook -Path $utf16 -ErrorVariable problems -ErrorAction SilentlyContinue
        ($converted | Select-Object EventType, MessageId, Status, Line | ConvertTo-Json) | Should -Be ($original | Select-Object EventType, MessageId, Status, Line | ConvertTo-Json)
        $problems[0].Exception.Message | Should -BeLike '*line 6: *'
        (Measure-MMCampaign -Path $utf16 -ErrorAction SilentlyContinue | ConvertTo-Json) | Should -Be (Measure-MMCampaign -Path (Join-Path $fixtures 'campaign.jsonl') -ErrorAction SilentlyContinue | ConvertTo-Json)

        $optOuts = Join-Path $TestDrive 'optouts-utf16.jsonl'
        Get-Content (Join-Path $fixtures 'optouts.jsonl') | Out-File -LiteralPath $optOuts -Encoding unicode
        $list = Join-Path $TestDrive 'utf16-list.jsonl'
        Add-MMSuppression -WebhookFile $optOuts -Path $list -Confirm:$false
        (Get-MMSuppression -Path $list).Count | Should -BeGreaterThan 0
    }

    It 'takes a file name as its first positional argument' {
        Push-Location $fixtures
        try { (ConvertFrom-MMWebhook click-event.json).ClickId | Should -Be 'CLICK_ID_0001' } finally { Pop-Location }
    }

    It 'takes files from Get-ChildItem by PSPath' {
        $events = Get-ChildItem (Join-Path $fixtures 'click-event.json') | ConvertFrom-MMWebhook
        $events.ClickComponent | Should -Be 'cta'
    }

    It 'takes JSON text from the pipeline, one line per string' {
        $events = Get-Content (Join-Path $fixtures 'campaign.jsonl') | ConvertFrom-MMWebhook -ErrorVariable problems -ErrorAction SilentlyContinue
        $events.Count | Should -Be 14
        $problems[0].Exception.Message | Should -BeLike 'input string 6, line 1: *'
    }

    It 'takes one delivery as -InputObject' {
        (ConvertFrom-MMWebhook -InputObject (Get-Content (Join-Path $fixtures 'status-failed.json') -Raw)).ErrorCode | Should -Be 131049
    }

    It 'writes NotAWebhookDelivery for valid JSON that is no delivery' {
        { '42' | ConvertFrom-MMWebhook -ErrorAction Stop } | Should -Throw -ErrorId 'NotAWebhookDelivery,*'
    }

    It 'writes one InvalidWebhookJson per line that is not UTF-8, naming the line, and reads the lines after it' {
        $good = [IO.File]::ReadAllLines((Join-Path $fixtures 'status-sent-marketing-lite.json')) -join ''
        $bytes = [Text.Encoding]::UTF8.GetBytes($good.Replace('spring-2026', 'spr' + [char]1 + 'ng'))
        $bytes[[Array]::IndexOf($bytes, [byte]1)] = 0xFF
        $newline = [byte[]]@(10)
        $line = [Text.Encoding]::UTF8.GetBytes($good)
        $file = Join-Path $TestDrive 'bad-utf8.jsonl'
        [IO.File]::WriteAllBytes($file, [byte[]]($bytes + $newline + $line + $newline + $bytes + $newline + $line + $newline))
        $events = ConvertFrom-MMWebhook -Path $file -ErrorVariable problems -ErrorAction SilentlyContinue
        $events.Count | Should -Be 2
        $problems.Count | Should -Be 2
        $problems.FullyQualifiedErrorId | ForEach-Object { $_ | Should -BeLike 'InvalidWebhookJson,*' }
        $problems[0].Exception.Message | Should -BeLike '*bad-utf8.jsonl, line 1: *UTF-8*'
        $problems[1].Exception.Message | Should -BeLike '*bad-utf8.jsonl, line 3: *'
    }

    It 'skips a delivery over -MaxDeliveryBytes with WebhookDeliveryTooLarge and reads the next line' {
        $good = [IO.File]::ReadAllLines((Join-Path $fixtures 'status-sent-marketing-lite.json')) -join ''
        $file = Join-Path $TestDrive 'too-large.jsonl'
        Set-Content -LiteralPath $file -Value @(('{"entry":[],"pad":"' + ('x' * 5000) + '"}'), $good)
        $events = ConvertFrom-MMWebhook -Path $file -MaxDeliveryBytes 2KB -ErrorVariable problems -ErrorAction SilentlyContinue
        $events.Status | Should -Be 'sent'
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'WebhookDeliveryTooLarge,*'
        $problems[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $problems[0].Exception.Message | Should -BeLike '*too-large.jsonl, line 1: *2,048 bytes*'
        $null = ConvertFrom-MMWebhook -Path $file -ErrorVariable underDefault -ErrorAction SilentlyContinue
        $underDefault.Count | Should -Be 0
    }

    It 'writes WebhookFileNotFound for a missing file and goes on with the next' {
        $events = ConvertFrom-MMWebhook -LiteralPath (Join-Path $fixtures 'missing.json'), (Join-Path $fixtures 'click-event.json') -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'WebhookFileNotFound,*'
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $events.ClickId | Should -Be 'CLICK_ID_0001'
    }

    It 'types opt-outs, template status and category changes and account updates, each with a table view' {
        $stop = ConvertFrom-MMWebhook -Path (Join-Path $fixtures 'user-preferences-stop.json')
        $stop.GetType().FullName | Should -Be 'Dialog360.MM.Core.Webhooks.MMUserPreferenceEvent'
        ($stop.WaId, $stop.Value, $stop.IsStop, $stop.PhoneNumberId) | Should -Be @('16505551234', 'stop', $true, '106540352242922')
        ($stop | Format-Table | Out-String -Width 200) | Should -Match 'stop\s+Sheena Nelson\s+marketing_messages'

        $paused = ConvertFrom-MMWebhook -Path (Join-Path $fixtures 'template-status-paused.json')
        $paused.EventType | Should -Be 'TemplateStatus'
        ($paused | Format-Table | Out-String -Width 200) | Should -Match 'PAUSED\s+order_confirmation\s+en_US\s+MARKETING\s+NONE\s+FIRST_PAUSE'

        $moved = ConvertFrom-MMWebhook -Path (Join-Path $fixtures 'template-category-update.jsonl')
        $moved.EventType | Should -Be @('TemplateCategory', 'TemplateCategory')
        ($moved | Format-Table | Out-String -Width 200) | Should -Match 'order_confirmation\s+en_US\s+UTILITY\s+MARKETING'

        $terms = ConvertFrom-MMWebhook -Path (Join-Path $fixtures 'account-update-mm-terms.json')
        $terms.Event | Should -Be 'MM_LITE_TERMS_SIGNED'
        ($terms | Format-Table | Out-String -Width 200) | Should -Match 'MM_LITE_TERMS_SIGNED\s+102290129340398\s+2729063490586005'
    }

    It 'shows status events as a table' {
        $text = ConvertFrom-MMWebhook -Path (Join-Path $fixtures 'status-failed.json') | Format-Table | Out-String -Width 200
        $text | Should -Match 'Status\s+Recipient\s'
        $text | Should -Match 'failed\s+16505550002'
        $text | Should -Match '131049'
    }
}

Describe 'ConvertFrom-MMWebhook and people known by business-scoped user ID' {
    It 'gives statuses, messages and stops the BSUID and username WhatsApp sends, and shows them where the number is missing' {
        $statuses = ConvertFrom-MMWebhook -Path (Join-Path $fixtures 'bsuid-statuses.jsonl')
        $hidden = $statuses | Where-Object MessageId -eq 'wamid.B0002'
        $hidden.RecipientId | Should -BeNullOrEmpty
        $hidden.UserId, $hidden.ParentUserId, $hidden.Username | Should -Be 'DE.2281907364512', 'DE.ENT.5510293', 'lena.k'
        ($statuses | Where-Object MessageId -eq 'wamid.B0001').UserId | Should -Be 'GB.1349120865530274191'
        ($hidden | Format-Table | Out-String) | Should -Match 'Recipient.*\n.*\n.*DE\.2281907364512'

        $message = ConvertFrom-MMWebhook -Path (Join-Path $fixtures 'bsuid-inbound-message.json')
        $message.From | Should -BeNullOrEmpty
        $message.UserId, $message.Username, $message.ContactName | Should -Be 'DE.2281907364512', 'lena.k', 'Lena'
        $table = $message | Format-Table | Out-String
        $table | Should -Match 'DE\.2281907364512'
        $table | Should -Match 'lena\.k'

        $stop = ConvertFrom-MMWebhook -Path (Join-Path $fixtures 'bsuid-user-preferences-stop.json')
        $stop.WaId | Should -BeNullOrEmpty
        $stop.UserId | Should -Be 'DE.2281907364512'
        $stop.IsStop | Should -BeTrue
        ($stop | Format-Table | Out-String) | Should -Match 'DE\.2281907364512\s+stop'
    }

    It 'names the new and the replaced BSUID of a user_changed_user_id system message' {
        $changes = ConvertFrom-MMWebhook -Path (Join-Path $fixtures 'bsuid-user-changed-user-id.jsonl')
        $changes.SystemType | Sort-Object -Unique | Should -Be 'user_changed_user_id'
        $changes[0].NewUserId, $changes[0].PreviousUserId | Should -Be 'US.20917348820193847561', 'US.13491208655302741918'
        $changes.PreviousUserId | Should -Be 'US.13491208655302741918', 'CO.5500129', 'BR.9021776'
    }
}

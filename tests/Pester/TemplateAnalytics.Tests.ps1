BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:hooks = Join-Path $TestDrive 'events.jsonl'
    $script:emulator = Start-TestEmulator -AccountName analytics -Options @{ WebhookPath = $hooks; TimeScale = 0.0005; ReadRate = 0.8; ClickRate = 0.5; Seed = 3 }
}
AfterAll {
    Get-MMAccount | Disconnect-MMAccount -Confirm:$false
    Stop-MMEmulator
}

Describe 'Enable-MMTemplateAnalytics and Get-MMTemplateAnalytics' {
    It 'enables nothing with -WhatIf, and enables analytics once asked' {
        Enable-MMTemplateAnalytics -WhatIf
        $emulator.Emulator.TemplateAnalyticsEnabled | Should -BeFalse
        Enable-MMTemplateAnalytics | Should -BeNullOrEmpty
        $emulator.Emulator.TemplateAnalyticsEnabled | Should -BeTrue
        $emulator.Requests[-1].Path | Should -Be '/marketing/template_analytics'
    }

    It 'counts per template and day what the campaign''s webhooks report, with what the max-price deliveries cost' {
        $null = 1..12 | ForEach-Object { '+44 7911 5{0:D5}' -f $_ } | Send-MarketingMessage -TemplateName flash_sale -BodyParameter Ada -ActivitySharing
        $null = 1..8 | ForEach-Object { '+44 7911 6{0:D5}' -f $_ } | Send-MarketingMessage -TemplateName welcome_offer
        while ((Get-MMEmulator).WebhooksPending -gt 0) { Start-Sleep -Milliseconds 50 }

        $days = @(Get-MMTemplateAnalytics -Name flash_sale, welcome_offer -Start (Get-Date).AddDays(-2) -End (Get-Date).AddDays(1))
        $days.TemplateName | Sort-Object -Unique | Should -Be @('flash_sale', 'welcome_offer')
        ($days | Where-Object TemplateName -eq 'welcome_offer').LanguageCode | Sort-Object -Unique | Should -Be @('en', 'en_US')
        $funnel = Measure-MMCampaign -Path $hooks
        ($days | Measure-Object Sent -Sum).Sum | Should -Be $funnel.Sent
        ($days | Measure-Object Delivered -Sum).Sum | Should -Be $funnel.Delivered
        ($days | Measure-Object Read -Sum).Sum | Should -Be $funnel.Read
        ($days | Where-Object TemplateName -eq 'flash_sale' | Measure-Object AmountSpent -Sum).Sum | Should -Be $funnel.ActualCost
        $text = $days | Format-Table | Out-String -Width 79
        $text | Should -Match 'Template\s+Language\s+Day\s+Sent\s+Delivered\s+Read\s+Clicked\s+Spent'
        $text | Should -Match "flash_sale\s+en\s+$((Get-Date).ToUniversalTime().ToString('yyyy-MM-dd'))\s+12"
    }

    It 'reads templates piped from Get-MMTemplate by their id, one language each' {
        $days = Get-MMTemplate -Name welcome_offer -LanguageCode en_US | Get-MMTemplateAnalytics -Start (Get-Date).AddDays(-1)
        $days.TemplateId | Sort-Object -Unique | Should -Be '1004'
        $days.LanguageCode | Sort-Object -Unique | Should -Be 'en_US'
        $emulator.Requests[-1].Query | Should -Match 'template_ids=%5B1004%5D'
    }

    It 'writes TemplateNotFound for a name the account lacks and reads the others' {
        $days = Get-MMTemplateAnalytics -Name no_such_template, flash_sale -Start (Get-Date).AddDays(-1) -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'TemplateNotFound,*'
        $days.TemplateName | Sort-Object -Unique | Should -Be 'flash_sale'
    }

    It 'refuses a range that starts more than 90 days ago with InvalidAnalyticsQuery, before asking the API' {
        $before = $emulator.RequestCount
        { Get-MMTemplateAnalytics -TemplateId 1007 -Start (Get-Date).AddDays(-100) } | Should -Throw -ErrorId 'InvalidAnalyticsQuery,*'
        $emulator.RequestCount | Should -Be $before
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:emulator = Start-TestEmulator -AccountName tpl
}
AfterAll {
    Get-MMAccount | Disconnect-MMAccount -Confirm:$false
    Stop-MMEmulator
}

Describe 'Get-MMTemplate' {
    It 'lists every template and language with its body parameter count' {
        $all = Get-MMTemplate -Force
        $all.Count | Should -Be 7
        $spring = $all | Where-Object { $_.Name -eq 'spring_sale' -and $_.LanguageCode -eq 'en' }
        $spring.Category | Should -Be 'MARKETING'
        $spring.Status | Should -Be 'approved'
        $spring.BodyParameterCount | Should -Be 2
        $spring.BodyText | Should -Match '\{\{1\}\}'
    }

    It 'filters by name pattern, category, status and language' {
        (Get-MMTemplate -Name welcome*).Name | Sort-Object -Unique | Should -Be 'welcome_offer'
        (Get-MMTemplate -Category Utility).Name | Should -Be 'order_update'
        (Get-MMTemplate -Status pending).Name | Should -Be 'winter_teaser'
        (Get-MMTemplate -Name spring_sale -LanguageCode de).LanguageCode | Should -Be 'de'
    }

    It 'lists the emulator''s own template set when it is given one' {
        $custom = Start-MMEmulator -Template @{ Name = 'black_friday'; Body = 'Hi {{1}}, {{2}} off, {{1}}!'; Header = 'image' }, @{ Name = 'black_friday'; Language = 'de'; Status = 'PENDING'; Body = 'Hallo' }
        $custom | Connect-MMAccount -Name custom
        $templates = Get-MMTemplate -Account custom
        $templates.Count | Should -Be 2
        $en = $templates | Where-Object LanguageCode -eq 'en'
        $en.BodyParameterCount | Should -Be 2
        $en.HeaderFormat | Should -Be 'IMAGE'
        ($templates | Where-Object LanguageCode -eq 'de').Status | Should -Be 'pending'
        $custom | Stop-MMEmulator
    }

    It 'writes TemplateNotFound for a plain name that matches nothing' {
        Get-MMTemplate -Name nothing_like_it -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'TemplateNotFound,*'
    }

    # A console 80 wide (Windows PowerShell's default, 79 usable) up to 120: the heading stays one line, each
    # template one row, and the body shows more than a word.
    It 'shows one row per template and the BodyText heading whole at <Width> columns' -ForEach @{ Width = 79 }, @{ Width = 120 } {
        $templates = @(Get-MMTemplate)
        foreach ($wrap in $false, $true) {
            $lines = @((Get-MMTemplate | Format-Table -Wrap:$wrap | Out-String -Width $Width) -split '\r?\n' | Where-Object { $_.Trim() })
            $lines[0] | Should -Match '^Name\s+Language\s+Category\s+Status\s+Params\s+BodyText$'
            $lines[1] | Should -Match '^-+( +-+)+$' -Because 'the heading is one line, underlined on the next'
            $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual $Width }
            if (-not $wrap) {
                $lines.Count | Should -Be ($templates.Count + 2)
                $lines | Where-Object { $_ -match '^order_update\s' } | Should -Match 'Your order \{\{1\}\} has'
            }
        }
    }

    It 'reads every page of the listing' {
        $before = @($emulator.Requests | Where-Object Path -eq '/v1/configs/templates').Count
        $null = Get-MMTemplate -Force
        $pages = @($emulator.Requests | Where-Object Path -eq '/v1/configs/templates' | Select-Object -Skip $before)
        $pages[0].Query | Should -Be '?limit=100&offset=0'
    }
}

Describe 'Test-MMOnboarding' {
    It 'says Onboarded for an onboarded business, and sends nothing deliverable' {
        $status = Test-MMOnboarding
        $status.IsOnboarded | Should -BeTrue
        $status.Status | Should -Be 'Onboarded'
        $status.Account | Should -Be 'tpl'
        $probe = $emulator.Requests | Where-Object Path -eq '/marketing_messages' | Select-Object -Last 1
        $probe.StatusCode | Should -Be 400
        $emulator.AcceptedByRecipient.Count | Should -Be 0
        Test-MMOnboarding -Quiet | Should -BeTrue
    }

    It 'says NotOnboarded with the fix for a business without the MM terms' {
        $blocked = Start-MMEmulator -NotOnboarded
        $blocked | Connect-MMAccount -Name blocked
        $status = Test-MMOnboarding -Account blocked
        $status.Status | Should -Be 'NotOnboarded'
        $status.IsOnboarded | Should -BeFalse
        $status.Reason | Should -Match 'Marketing Messages Lite API terms'
        $status.FixHint | Should -Match 'Business Manager'
        $status.FixHint | Should -Match 'WhatsApp Manager'
        Test-MMOnboarding -Account blocked -Quiet | Should -BeFalse
        $blocked | Stop-MMEmulator
    }

    It 'says KeyInvalid for a refused key' {
        Connect-MMAccount -Name wrongkey -ApiKey (ConvertTo-SecureString 'nope-0000' -AsPlainText -Force) -BaseUri $emulator.BaseUri -SkipValidation
        (Test-MMOnboarding -Account wrongkey).Status | Should -Be 'KeyInvalid'
    }
}

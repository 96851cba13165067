BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:emulator = Start-TestEmulator -AccountName manage
}
AfterAll {
    Get-MMAccount | Disconnect-MMAccount -Confirm:$false
    Stop-MMEmulator
}

Describe 'New-MMTemplate' {
    It 'creates a template with its components and time-to-live, and Get-MMTemplate sees it at once' {
        $null = Get-MMTemplate   # fills the five-minute cache, which New-MMTemplate must invalidate
        $shop = @{ Text = 'Shop now'; Url = 'https://shop.example.com/{{1}}'; Example = 'https://shop.example.com/summer' }
        $t = New-MMTemplate -Name summer_sale -Body 'Hi {{1}}, {{2}} off.' -BodyExample 'Maria', '20%' -HeaderText 'Summer' `
            -Footer 'Reply STOP to opt out' -UrlButton $shop -QuickReply 'Stop promotions' -TimeToLive (New-TimeSpan -Hours 12)
        $t.GetType().FullName | Should -Be 'Dialog360.MM.Core.Templates.MMTemplate'
        $t.Name, $t.LanguageCode, $t.Category, $t.Status | Should -Be @('summer_sale', 'en', 'MARKETING', 'pending')
        $t.TimeToLive | Should -Be ([timespan]'12:00:00')
        $body = $emulator.Requests[-1].Body | ConvertFrom-Json
        $body.message_send_ttl_seconds | Should -Be 43200
        $body.components.type | Should -Be @('HEADER', 'BODY', 'FOOTER', 'BUTTONS')
        $body.components[3].buttons.type | Should -Be @('URL', 'QUICK_REPLY')
        (Get-MMTemplate -Name summer_sale).Status | Should -Be 'pending'
    }

    It 'takes raw components for what the parameters do not cover' {
        $null = New-MMTemplate coupon_code -Body 'Your code for {{1}} off' -BodyExample '10%' `
            -Component @{ type = 'BUTTONS'; buttons = @(@{ type = 'COPY_CODE'; example = 'SPRING10' }) }
        ($emulator.Requests[-1].Body | ConvertFrom-Json).components[1].buttons[0].type | Should -Be 'COPY_CODE'
    }

    It 'refuses <Case> before sending anything' -ForEach @(
        @{ Case = 'a TTL under 12 hours'; Splat = @{ Name = 't1'; Body = 'Hi'; TimeToLive = [timespan]'01:00:00' }; ErrorId = 'TimeToLiveOutOfRange' }
        @{ Case = 'a TTL on a utility template'; Splat = @{ Name = 't2'; Body = 'Hi'; Category = 'Utility'; TimeToLive = [timespan]'1.00:00:00' }; ErrorId = 'InvalidTemplateDefinition' }
        @{ Case = 'a placeholder without a sample'; Splat = @{ Name = 't3'; Body = 'Hi {{1}}' }; ErrorId = 'InvalidTemplateDefinition' }
        @{ Case = 'a name with capitals'; Splat = @{ Name = 'Summer'; Body = 'Hi' }; ErrorId = 'InvalidTemplateName' }
    ) {
        $before = $emulator.RequestCount
        New-MMTemplate @Splat -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $e[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $emulator.RequestCount | Should -Be $before
    }

    It 'writes the API''s refusal as a non-terminating error and goes on' {
        $rows = [pscustomobject]@{ Name = 'twice'; Body = 'Hello' }, [pscustomobject]@{ Name = 'twice'; Body = 'Hello' }, [pscustomobject]@{ Name = 'third'; Body = 'Hi' }
        $out = $rows | New-MMTemplate -ErrorVariable e -ErrorAction SilentlyContinue
        $out.Name | Should -Be @('twice', 'third')
        $e.Count | Should -Be 1
        $e[0].Exception.Message | Should -Match 'already exists'
    }

    It 'sends nothing with -WhatIf' {
        $before = $emulator.RequestCount
        New-MMTemplate -Name not_sent -Body 'Hi' -WhatIf | Should -BeNullOrEmpty
        $emulator.RequestCount | Should -Be $before
    }

    It 'sends a max price as optimization_spec per 1,000 deliveries in cents, and Get-MMTemplate shows its bid' {
        $t = New-MMTemplate -Name cyber_monday -Body 'Today only' -MaxPrice 0.05 -Currency usd
        $t.MaxPrice.PerDelivery, $t.MaxPrice.Currency, $t.MaxPrice.BidAmount | Should -Be @(0.05, 'USD', 5000)
        $spec = ($emulator.Requests[-1].Body | ConvertFrom-Json).optimization_spec
        $spec.bid_amount, $spec.bid_strategy | Should -Be @(5000, 'LOWEST_COST_WITH_BID_CAP')
        $listed = Get-MMTemplate -Name cyber_monday
        $listed.MaxPrice.BidAmount | Should -Be 5000
        ($listed | Format-List Name, MaxPrice | Out-String) | Should -Match 'MaxPrice : bid_amount 5000 per 1,000 deliveries'
        $listed.MaxPrice.InCurrency('USD').PerDelivery | Should -Be 0.05
    }

    It 'takes MaxPrice and Currency from CSV columns, a dot before the decimals' {
        $rows = ConvertFrom-Csv "Name,Body,MaxPrice,Currency`nflash_eur,Hi,0.035,EUR`nflash_comma,Hi,`"0,035`",EUR"
        $out = $rows | New-MMTemplate -ErrorVariable e -ErrorAction SilentlyContinue
        $out.Name | Should -Be 'flash_eur'
        $out.MaxPrice.BidAmount | Should -Be 3500
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidMaxPrice,*'
        $e[0].Exception.Message | Should -Match 'dot'
    }

    It 'refuses a max price <Case> before sending anything' -ForEach @(
        @{ Case = 'without a currency'; Splat = @{ MaxPrice = 0.05 }; Says = 'needs -Currency' }
        @{ Case = 'in a currency that does not exist'; Splat = @{ MaxPrice = 0.05; Currency = 'USX' }; Says = 'ISO 4217' }
        @{ Case = 'finer than a cent per 1,000 deliveries'; Splat = @{ MaxPrice = 0.000001; Currency = 'USD' }; Says = 'multiple of 0.00001 USD' }
        @{ Case = 'on a utility template'; Splat = @{ MaxPrice = 0.05; Currency = 'USD'; Category = 'Utility' }; Says = 'MARKETING' }
        @{ Case = 'as a currency alone'; Splat = @{ Currency = 'USD' }; Says = 'goes with -MaxPrice' }
    ) {
        $before = $emulator.RequestCount
        New-MMTemplate -Name priced -Body 'Hi' @Splat -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidMaxPrice,*'
        $e[0].Exception.Message | Should -Match ([regex]::Escape($Says))
        $e[0].ErrorDetails.RecommendedAction | Should -Match '-MaxPrice 0.05 -Currency USD'
        $emulator.RequestCount | Should -Be $before
    }
}

Describe 'Remove-MMTemplate' {
    It 'has ConfirmImpact High' {
        (Get-Command Remove-MMTemplate).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact |
            Should -Be 'High'
    }

    It 'deletes every language of a piped name once, and Get-MMTemplate no longer lists it' {
        $before = @($emulator.Requests | Where-Object Method -eq 'DELETE').Count
        Get-MMTemplate -Name spring_sale | Remove-MMTemplate -Confirm:$false
        $deletes = @($emulator.Requests | Where-Object Method -eq 'DELETE' | Select-Object -Skip $before)
        $deletes.Path | Should -Be '/v1/configs/templates/spring_sale'
        Get-MMTemplate -Name spring_sale -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'writes a non-terminating error for a name the account does not have, and goes on' {
        Remove-MMTemplate -Name no_such_template, welcome_offer -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'TemplateNotFound,*'
        $e[0].TargetObject | Should -Be 'no_such_template'
        Get-MMTemplate -Name welcome_offer -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'deletes nothing with -WhatIf' {
        $before = $emulator.RequestCount
        Remove-MMTemplate -Name order_update -WhatIf
        $emulator.RequestCount | Should -Be $before
    }
}

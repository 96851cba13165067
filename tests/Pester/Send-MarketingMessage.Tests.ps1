BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:emulator = Start-TestEmulator -Options @{ FailRecipient = @{ '+447700900003' = 131050 } }
    function Get-LastSendBody { $emulator.Requests | Where-Object Method -eq 'POST' | Select-Object -Last 1 | ForEach-Object Body }
}
AfterAll {
    Get-MMAccount | Disconnect-MMAccount -Confirm:$false
    Stop-MMEmulator
}

Describe 'Send-MarketingMessage' {
    It 'posts exactly the MM body to /marketing_messages and returns an Accepted result' {
        $result = Send-MarketingMessage -To '+44 7911-123456' -TemplateName spring_sale -BodyParameter Ada, '20%'
        $result.Status | Should -Be 'Accepted'
        $result.To | Should -Be '447911123456'
        $result.MessageId | Should -Match '^wamid\.'
        $result.MessageStatus | Should -Be 'accepted'
        $result.TemplateName | Should -Be 'spring_sale'
        $result.Endpoint | Should -Be "$($emulator.BaseUri)marketing_messages"
        $emulator.Requests[-1].Path | Should -Be '/marketing_messages'
        Get-LastSendBody | Should -BeExactly '{"messaging_product":"whatsapp","recipient_type":"individual","to":"447911123456","type":"template","template":{"name":"spring_sale","language":{"code":"en","policy":"deterministic"},"components":[{"type":"body","parameters":[{"type":"text","text":"Ada"},{"type":"text","text":"20%"}]}]}}'
    }

    It 'adds message_activity_sharing only when asked' {
        $null = Send-MarketingMessage -To 447911123456 -TemplateName welcome_offer -ActivitySharing
        Get-LastSendBody | Should -BeExactly '{"messaging_product":"whatsapp","recipient_type":"individual","to":"447911123456","type":"template","template":{"name":"welcome_offer","language":{"code":"en","policy":"deterministic"}},"message_activity_sharing":true}'
    }

    It 'raises a max-price template''s bid per recipient with -BidMultiplier, also from a column' {
        $null = Send-MarketingMessage -To 447911123456 -TemplateName flash_sale -BodyParameter Ada -BidMultiplier 1.5
        Get-LastSendBody | Should -BeExactly '{"messaging_product":"whatsapp","recipient_type":"individual","to":"447911123456","type":"template","template":{"name":"flash_sale","language":{"code":"en","policy":"deterministic"},"components":[{"type":"body","parameters":[{"type":"text","text":"Ada"}]}]},"bid_spec":{"per_message_bid_multiplier":"1.5"}}'
        $rows = ConvertFrom-Csv "Phone,BidMultiplier`n447911123457,2`n447911123458,"
        $results = $rows | Send-MarketingMessage -TemplateName flash_sale -BodyParameter Ada
        $results.Status | Should -Be @('Accepted', 'Accepted')
        $bodies = $emulator.Requests | Where-Object Method -eq 'POST' | Select-Object -Last 2 | ForEach-Object { $_.Body | ConvertFrom-Json }
        ($bodies | Where-Object to -eq '447911123457').bid_spec.per_message_bid_multiplier | Should -Be '2'
        ($bodies | Where-Object to -eq '447911123458').PSObject.Properties.Name | Should -Not -Contain 'bid_spec'
    }

    It 'refuses -TimeToLive and points to New-MMTemplate: time-to-live belongs to the template' {
        $before = $emulator.RequestCount
        $err = { Send-MarketingMessage -To 447911123456 -TemplateName welcome_offer -TimeToLive (New-TimeSpan -Days 1) } |
            Should -Throw -ErrorId 'TimeToLiveOnTemplate,*' -PassThru
        $err.Exception.Message | Should -Match 'New-MMTemplate'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $emulator.RequestCount | Should -Be $before
    }

    It 'sends to /messages with -UseCloudApi' {
        $result = Send-MarketingMessage -To 447911123456 -TemplateName order_update -BodyParameter A-1 -UseCloudApi
        $result.Status | Should -Be 'Accepted'
        $emulator.Requests[-1].Path | Should -Be '/messages'
    }

    It 'takes recipients from Import-Csv rows by property name (Phone, PhoneNumber, WaId, Recipient, To)' {
        $rows = @'
Name,Phone
Ada,+44 7911 000001
Bob,+44 7911 000002
'@ | ConvertFrom-Csv
        $results = $rows | Send-MarketingMessage -TemplateName welcome_offer
        $results.To | Should -Be @('447911000001', '447911000002')
        foreach ($column in 'PhoneNumber', 'WaId', 'Recipient', 'To') {
            ([pscustomobject]@{ $column = '447911000003' } | Send-MarketingMessage -TemplateName welcome_offer).To | Should -Be '447911000003'
        }
    }

    It 'writes one result per recipient and a non-terminating ApiError131050 for a recipient who stopped marketing' {
        $results = '447911000001', '447700900003', '447911000002' |
            Send-MarketingMessage -TemplateName welcome_offer -ErrorVariable sendErrors -ErrorAction SilentlyContinue
        $byNumber = @{}; $results | ForEach-Object { $byNumber[$_.To] = $_ }
        $results.Count | Should -Be 3
        $byNumber['447911000001'].Status | Should -Be 'Accepted'
        $byNumber['447911000002'].Status | Should -Be 'Accepted'
        $byNumber['447700900003'].Status | Should -Be 'Failed'
        $byNumber['447700900003'].ErrorCode | Should -Be '131050'
        $byNumber['447700900003'].ErrorHint | Should -Match 'stopped marketing'
        $sendErrors.Count | Should -Be 1
        $sendErrors[0].FullyQualifiedErrorId | Should -BeLike 'ApiError131050,*'
        $sendErrors[0].TargetObject | Should -Be '447700900003'
        $sendErrors[0].ErrorDetails.RecommendedAction | Should -Match 'stopped marketing'
    }

    It 'refuses an invalid number before sending, names it, and goes on with the batch' {
        $before = $emulator.RequestCount
        $results = '12ab', '', '07911 123456', '447911000001' |
            Send-MarketingMessage -TemplateName welcome_offer -ErrorVariable sendErrors -ErrorAction SilentlyContinue
        $results.Status | Should -Be @('Failed', 'Failed', 'Failed', 'Accepted')
        $sendErrors.FullyQualifiedErrorId.ForEach({ $_.Split(',')[0] }) | Should -Be @('InvalidPhoneNumber', 'MissingRecipient', 'InvalidPhoneNumber')
        $sendErrors[0].Exception.Message | Should -Match "'12ab'"
        $sendErrors[2].Exception.Message | Should -Match 'national format'
        $sendErrors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $emulator.RequestCount | Should -Be ($before + 1)
    }

    It 'stops before sending anything when <Case>' -ForEach @(
        @{ Case = 'the template name is empty'; Splat = @{ TemplateName = '' }; ErrorId = 'MissingTemplateName' }
        @{ Case = 'the template name has capitals'; Splat = @{ TemplateName = 'Spring Sale' }; ErrorId = 'InvalidTemplateName' }
        @{ Case = 'a body parameter is empty'; Splat = @{ TemplateName = 'spring_sale'; BodyParameter = @('Ada', '') }; ErrorId = 'InvalidBodyParameter' }
        @{ Case = 'the language code is malformed'; Splat = @{ TemplateName = 'welcome_offer'; LanguageCode = 'english' }; ErrorId = 'InvalidLanguageCode' }
    ) {
        $before = $emulator.RequestCount
        { '447911000001', '447911000002' | Send-MarketingMessage @Splat } | Should -Throw -ErrorId "$ErrorId,*"
        $emulator.RequestCount | Should -Be $before
    }

    It 'sends nothing with -WhatIf' {
        $before = $emulator.RequestCount
        $out = '447911000001', '447911000002' | Send-MarketingMessage -TemplateName welcome_offer -WhatIf
        $out | Should -BeNullOrEmpty
        $emulator.RequestCount | Should -Be $before
    }

    It 'reports the API error code for a template the API does not know' {
        $result = Send-MarketingMessage -To 447911000001 -TemplateName no_such_template -SkipTemplateCheck -ErrorVariable e -ErrorAction SilentlyContinue
        $result.ErrorCode | Should -Be '132001'
        $e[0].FullyQualifiedErrorId | Should -BeLike 'ApiError132001,*'
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'stops the batch with InvalidApiKey when the key is refused, after writing that recipient''s result' {
        Connect-MMAccount -Name revoked -ApiKey (ConvertTo-SecureString 'revoked-key-zz99' -AsPlainText -Force) -BaseUri $emulator.BaseUri -SkipValidation
        $results = [System.Collections.Generic.List[object]]::new()
        { '447911000001', '447911000002' | Send-MarketingMessage -TemplateName welcome_offer -Account revoked -SkipTemplateCheck | ForEach-Object { $results.Add($_) } } |
            Should -Throw -ErrorId 'InvalidApiKey,*'
        $results.Count | Should -BeGreaterThan 0
        $results.Status | Should -Not -Contain 'Accepted'
    }

    It 'stops with NotOnboarded when the business has not accepted the MM terms' {
        $blocked = Start-MMEmulator -NotOnboarded
        $blocked | Connect-MMAccount -Name blocked
        { Send-MarketingMessage -To 447911000001 -TemplateName welcome_offer -Account blocked } |
            Should -Throw -ErrorId 'NotOnboarded,*'
        $blocked | Stop-MMEmulator
    }

    It 'checks the template once before the first send and stops when <Case>' -ForEach @(
        @{ Case = 'it does not exist'; Splat = @{ TemplateName = 'no_such_template' }; ErrorId = 'TemplateNotFound' }
        @{ Case = 'it has no version in that language'; Splat = @{ TemplateName = 'spring_sale'; LanguageCode = 'fr'; BodyParameter = 'a', 'b' }; ErrorId = 'TemplateLanguageNotFound' }
        @{ Case = 'it is not approved'; Splat = @{ TemplateName = 'winter_teaser'; BodyParameter = 'a' }; ErrorId = 'TemplateNotApproved' }
        @{ Case = 'it is not a marketing template'; Splat = @{ TemplateName = 'order_update'; BodyParameter = 'A-1' }; ErrorId = 'TemplateNotMarketing' }
        @{ Case = 'the body parameters do not match'; Splat = @{ TemplateName = 'spring_sale'; BodyParameter = 'only-one' }; ErrorId = 'BodyParameterCountMismatch' }
    ) {
        $before = @($emulator.Requests | Where-Object Method -eq POST).Count
        $err = { '447911000001', '447911000002' | Send-MarketingMessage @Splat } | Should -Throw -ErrorId "$ErrorId,*" -PassThru
        $err.Exception.Message | Should -Match $Splat.TemplateName
        @($emulator.Requests | Where-Object Method -eq POST).Count | Should -Be $before
    }

    It 'lists the templates once for a batch and not again within minutes' {
        $before = @($emulator.Requests | Where-Object Path -eq '/v1/configs/templates').Count
        $null = '447911000001', '447911000002' | Send-MarketingMessage -TemplateName welcome_offer
        $null = Send-MarketingMessage -To 447911000003 -TemplateName welcome_offer
        @($emulator.Requests | Where-Object Path -eq '/v1/configs/templates').Count | Should -BeLessOrEqual ($before + 1)
    }

    It 'completes -TemplateName and -LanguageCode from the account''s templates' {
        $line = 'Send-MarketingMessage -TemplateName spr'
        $names = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $names | Should -Be @('spring_sale')
        $line = 'Send-MarketingMessage -TemplateName welcome_offer -LanguageCode '
        $languages = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $languages | Should -Be @('en', 'en_US')
    }

    It 'says in -Verbose where it sends, and never shows the key' {
        $verbose = Send-MarketingMessage -To 447911000001 -TemplateName welcome_offer -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose | Out-String) | Should -Match 'POST .*/marketing_messages to 447911000001'
        ($verbose | Out-String) | Should -Not -Match ([regex]::Escape($emulator.ApiKey))
    }

    It 'fails with AccountNotConnected when no account is connected' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$(Get-TestModulePath)'; try { Send-MarketingMessage -To 447911000001 -TemplateName welcome_offer } catch { `$_.FullyQualifiedErrorId }")
            $ps.Invoke() | Should -BeLike 'AccountNotConnected,*'
        } finally { $ps.Dispose() }
    }
}

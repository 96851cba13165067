BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:http = [System.Net.Http.HttpClient]::new()
    $http.Timeout = [timespan]::FromSeconds(20)
    # One raw send, so the test sees the emulator's answer rather than the engine's reading of it.
    function Send-Raw([object] $Emulator, [string] $To) {
        $body = '{"messaging_product":"whatsapp","recipient_type":"individual","to":"' + $To + '","type":"template","template":{"name":"welcome_offer","language":{"code":"en","policy":"deterministic"}}}'
        $request = [System.Net.Http.HttpRequestMessage]::new('POST', [uri]::new($Emulator.BaseUri, 'marketing_messages'))
        $request.Content = [System.Net.Http.StringContent]::new($body, [System.Text.Encoding]::UTF8, 'application/json')
        $request.Headers.Add('D360-API-KEY', $Emulator.ApiKey)
        $response = $http.SendAsync($request).GetAwaiter().GetResult()
        [pscustomobject]@{ Status = [int]$response.StatusCode; Body = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult() }
    }
}
AfterAll {
    Stop-MMEmulator
    $http.Dispose()
}

Describe 'Start-MMEmulator faults' {
    It 'takes faults by name or HTTP status in -Fault and -FaultRate' {
        $emulator = Start-MMEmulator -Fault @{ '+447911000001' = 'BadGateway', 504 } -FaultRate @{ MalformedOk = 1 } -Seed 5
        (Send-Raw $emulator 447911000001).Status | Should -Be 502
        (Send-Raw $emulator 447911000001).Status | Should -Be 504
        $third = Send-Raw $emulator 447911000001
        $third.Status | Should -Be 200
        $third.Body | Should -BeIn '{"messages":[{"id":123}]}', '[]', '{}', 'OK'
        $emulator.AcceptedCount('447911000001') | Should -Be 3
        $emulator.Emulator.Seed | Should -Be 5
    }

    It 'answers 134102 with HTTP 500 for a -FailRecipient' {
        $emulator = Start-MMEmulator -FailRecipient @{ '+447700900009' = 134102 }
        $answer = Send-Raw $emulator 447700900009
        $answer.Status | Should -Be 500
        $answer.Body | Should -Match '"code":134102'
    }

    It 'refuses <Case> with InvalidEmulatorFault' -ForEach @(
        @{ Case = 'an unknown fault'; Parameters = @{ FaultRate = @{ Teapot = 0.1 } } }
        @{ Case = 'a share that is no number'; Parameters = @{ FaultRate = @{ 502 = 'often' } } }
        @{ Case = 'shares above 1'; Parameters = @{ FaultRate = @{ 502 = 0.6; 504 = 0.6 } } }
        @{ Case = 'an unknown -Fault'; Parameters = @{ Fault = @{ '+447911000001' = 418 } } }
    ) {
        { Start-MMEmulator @Parameters } | Should -Throw -ErrorId 'InvalidEmulatorFault*'
    }
}

Describe 'Start-MMEmulator business-scoped user IDs and usernames' {
    BeforeAll {
        # The webhook deliveries' statuses and stops, one object each, with the delivery's contacts beside them.
        function Get-Delivered([string] $Path) {
            foreach ($line in Get-Content $Path) {
                $value = ($line | ConvertFrom-Json).entry[0].changes[0].value
                $names = $value.PSObject.Properties.Name
                $contacts = if ('contacts' -in $names) { @($value.contacts) } else { @() }
                if ('statuses' -in $names) {
                    foreach ($status in $value.statuses) { [pscustomobject]@{ Kind = $status.status; Event = $status; Contacts = $contacts } }
                }
                if ('user_preferences' -in $names) {
                    foreach ($stop in $value.user_preferences) { [pscustomobject]@{ Kind = 'stop'; Event = $stop; Contacts = $contacts } }
                }
            }
        }
        function Wait-Webhooks($Emulator) {
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ($Emulator.WebhooksPending -gt 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $Emulator.WebhooksPending | Should -Be 0
        }
    }

    It 'with -UsernameRate 1, statuses and stops name the BSUID and never the number' {
        $path = Join-Path $TestDrive 'usernames.jsonl'
        $emulator = Start-MMEmulator -UsernameRate 1 -WebhookPath $path -TimeScale 0.0005 -Seed 23 -DeliveredRate 0.7 -ReadRate 1 -OptOutRate 0.3
        $emulator | Connect-MMAccount -Name usernames
        $numbers = 1..20 | ForEach-Object { '4479114{0:D5}' -f $_ }
        $results = $numbers | Send-MarketingMessage -TemplateName welcome_offer -Account usernames
        @($results | Where-Object Status -eq 'Accepted').Count | Should -Be 20
        Wait-Webhooks $emulator
        $userIds = @{}; foreach ($n in $numbers) { $userIds[$emulator.UserIdOf($n)] = $n }

        $delivered = @(Get-Delivered $path)
        @($delivered | Where-Object Kind -eq 'failed').Count | Should -BeGreaterThan 0
        @($delivered | Where-Object Kind -eq 'stop').Count | Should -BeGreaterThan 0
        foreach ($numberText in $numbers) { Get-Content $path -Raw | Should -Not -Match $numberText }
        foreach ($d in $delivered) {
            $d.Event.PSObject.Properties.Name | Should -Not -Contain 'recipient_id'
            $d.Event.PSObject.Properties.Name | Should -Not -Contain 'wa_id'
            $userId = if ($d.Kind -eq 'stop') { $d.Event.user_id } else { $d.Event.recipient_user_id }
            $userIds.ContainsKey($userId) | Should -BeTrue
            if ($d.Kind -eq 'failed') { continue }
            $contact = @($d.Contacts | Where-Object user_id -eq $userId)
            $contact.Count | Should -Be 1
            $contact[0].PSObject.Properties.Name | Should -Not -Contain 'wa_id'
            if ($d.Kind -in 'delivered', 'read', 'stop') { $contact[0].profile.username | Should -Match '^emu\.' }
        }
        # A stop holds for the person whether they are next sent to by number or by BSUID.
        $stopped = $userIds[@($delivered | Where-Object Kind -eq 'stop')[0].Event.user_id]
        $emulator.OptedOut | Should -Contain $stopped
        (Send-MarketingMessage -UserId $emulator.UserIdOf($stopped) -TemplateName welcome_offer -Account usernames -ErrorAction SilentlyContinue).ErrorCode | Should -Be 131050
        Get-MMAccount -Name usernames | Disconnect-MMAccount -Confirm:$false
        $emulator | Stop-MMEmulator
    }

    It 'without -UsernameRate, statuses name number and BSUID both' {
        $path = Join-Path $TestDrive 'numbers.jsonl'
        $emulator = Start-MMEmulator -WebhookPath $path -TimeScale 0.0005 -Seed 23 -DeliveredRate 1 -ReadRate 0 -OptOutRate 0
        $emulator | Connect-MMAccount -Name numbers
        $null = Send-MarketingMessage -To '+44 7911 400001' -TemplateName welcome_offer -Account numbers
        Wait-Webhooks $emulator
        foreach ($d in Get-Delivered $path) {
            $d.Event.recipient_id | Should -Be '447911400001'
            $d.Event.recipient_user_id | Should -Be $emulator.UserIdOf('447911400001')
            $d.Contacts[0].wa_id | Should -Be '447911400001'
            $d.Contacts[0].user_id | Should -Be $d.Event.recipient_user_id
        }
        Get-MMAccount -Name numbers | Disconnect-MMAccount -Confirm:$false
        $emulator | Stop-MMEmulator
    }

    It 'counts a Send-MarketingMessage -UserId send for the person, and takes BSUIDs in -FailRecipient' {
        $emulator = Start-MMEmulator -Seed 4 -FailRecipient @{ 'US.13491208655302741918' = 131062 }
        $emulator | Connect-MMAccount -Name bsuid
        $userId = $emulator.UserIdOf('447911400002')
        (Send-MarketingMessage -UserId $userId -TemplateName welcome_offer -Account bsuid).Status | Should -Be 'Accepted'
        $emulator.AcceptedCount('447911400002') | Should -Be 1
        $emulator.AcceptedCount($userId) | Should -Be 1
        $refused = Send-MarketingMessage -UserId 'US.13491208655302741918' -TemplateName welcome_offer -Account bsuid -ErrorAction SilentlyContinue
        $refused.ErrorCode | Should -Be 131062
        Get-MMAccount -Name bsuid | Disconnect-MMAccount -Confirm:$false
        $emulator | Stop-MMEmulator
    }

    It 'refuses a -UsernameRate outside 0 to 1' {
        { Start-MMEmulator -UsernameRate 1.5 } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }
}

Describe 'Start-MMEmulator -Currency' {
    It 'refuses a code that is not an ISO 4217 currency, naming it, before starting' {
        $before = @(Get-MMEmulator).Count
        { Start-MMEmulator -Currency 'EURO' } | Should -Throw -ErrorId 'InvalidEmulatorCurrency*'
        { Start-MMEmulator -Currency 'XYZ' } | Should -Throw "*'XYZ' is not an ISO 4217 currency code*"
        @(Get-MMEmulator).Count | Should -Be $before
    }
}

Describe 'Dialog360.MM.Emulator.dll' {
    It 'loads only when Start-MMEmulator runs, not for sending, listing or stopping nothing' {
        # The fake API is this process's emulator; the child process that sends never starts one of its own.
        $fake = Start-MMEmulator
        $script = @"
`$ErrorActionPreference = 'Stop'; `$ProgressPreference = 'SilentlyContinue'
function Test-Loaded { [bool]([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Dialog360.MM.Emulator' }) }
Import-Module '$(Get-TestModulePath)'
Connect-MMAccount -BaseUri '$($fake.BaseUri)'
`$null = Get-Command -Module Dialog360.MM; `$null = Get-Help Start-MMEmulator; `$null = Get-MMAccount; `$null = Get-MMEmulator
`$result = Send-MarketingMessage -To 447911123456 -TemplateName welcome_offer
Stop-MMEmulator
"`$(`$result.Status) `$(Test-Loaded)"
`$null = Start-MMEmulator
"`$(Test-Loaded)"
Stop-MMEmulator
"@
        $child = Start-TestPwsh -Script $script -OutputPrefix (Join-Path $TestDrive 'load') -Environment @{ D360_API_KEY = $fake.ApiKey }
        if (-not $child.WaitForExit(60000)) { $child.Kill(); throw 'the child pwsh did not finish within 60 s' }
        Get-Content (Join-Path $TestDrive 'load.err') -Raw | Should -BeNullOrEmpty
        Get-Content (Join-Path $TestDrive 'load.out') | Should -Be 'Accepted False', 'True'
        $fake.AcceptedCount('447911123456') | Should -Be 1
        $fake | Stop-MMEmulator
    }
}

Describe 'Start-MMEmulator webhooks' {
    BeforeAll {
        $script:secret = ConvertTo-SecureString 'rehearsal-secret' -AsPlainText -Force
        $script:stored = Join-Path $TestDrive 'received.jsonl'
        $script:copy = Join-Path $TestDrive 'emulator.jsonl'
        $script:receiver = Start-MMWebhookReceiver -Path $stored -Secret $secret
        $script:emulator = Start-MMEmulator -WebhookUrl $receiver.BaseUri -WebhookSecret $secret -WebhookPath $copy -TimeScale 0.0005 -Seed 17 `
            -DeliveredRate 0.8 -ReadRate 0.7 -ClickRate 0.5 -OptOutRate 0.1
        $emulator | Connect-MMAccount -Name hooks
        $script:numbers = 1..40 | ForEach-Object { '4479113{0:D5}' -f $_ }
        $script:results = $numbers | Send-MarketingMessage -TemplateName welcome_offer -ActivitySharing -CallbackData rehearsal -Account hooks
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ($emulator.WebhooksPending -gt 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
    }
    AfterAll {
        Get-MMAccount -Name hooks | Disconnect-MMAccount -Confirm:$false
        $emulator | Stop-MMEmulator
        Stop-MMWebhookReceiver
    }

    It 'delivers every webhook, signed, to the receiver' {
        $emulator.WebhooksPending | Should -Be 0
        $emulator.WebhooksFailed | Should -Be 0
        $receiver.RejectedCount | Should -Be 0 -Because 'every delivery carries a valid signature'
        $receiver.StoredCount | Should -Be $emulator.WebhooksDelivered
        @(Get-Content $stored).Count | Should -Be @(Get-Content $copy).Count
    }

    It 'reads back as typed events only, and the funnel adds up' {
        $events = ConvertFrom-MMWebhook -Path $stored
        @($events | Where-Object EventType -eq 'Unknown').Count | Should -Be 0
        $funnel = $events | Measure-MMCampaign
        $funnel.Messages | Should -Be 40
        $funnel.Failed + $funnel.Delivered | Should -Be 40
        $funnel.Read | Should -BeGreaterThan 0
        $funnel.Clicked | Should -BeGreaterThan 0
        @($events | Where-Object EventType -eq 'UserPreference').Count | Should -BeGreaterThan 0
        @($events | Where-Object EventType -eq 'Status' | Where-Object CallbackData -ne 'rehearsal').Count | Should -Be 0
    }

    It 'counts requests and acceptances in Get-MMEmulator' {
        $row = Get-MMEmulator -Port $emulator.Port
        $row.Accepted | Should -Be 40
        $row.Rejected | Should -Be 0
        $row.RequestCount | Should -BeGreaterOrEqual 41   # the sends and the template check
        ($row | Format-Table | Out-String) | Should -Match 'Accepted'
    }

    It 'refuses a webhook URL off this machine with InvalidEmulatorWebhookUrl' {
        { Start-MMEmulator -WebhookUrl 'https://hooks.example.com/wa' } | Should -Throw -ErrorId 'InvalidEmulatorWebhookUrl*'
    }
}

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

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:emulator = Start-TestEmulator -AccountName hooks
}
AfterAll {
    Get-MMAccount | Disconnect-MMAccount -Confirm:$false
    Stop-MMEmulator
}

Describe 'Set-MMWebhookUrl and Get-MMWebhookUrl' {
    It 'sets the URL with custom headers and reads it back, showing header names only' {
        $token = ConvertTo-SecureString 'hook-secret-4711' -AsPlainText -Force
        $verbose = Set-MMWebhookUrl -Url https://hooks.example.com/wa -Header @{ 'X-Hook-Token' = $token; Tenant = 'shop-uk' } -Verbose 4>&1 -PassThru
        ($verbose | Out-String) | Should -Not -Match 'hook-secret-4711'
        $emulator.Emulator.WebhookUrl | Should -Be 'https://hooks.example.com/wa'
        $emulator.Emulator.WebhookHeaders['X-Hook-Token'] | Should -Be 'hook-secret-4711'
        $setting = Get-MMWebhookUrl
        $setting.Url | Should -Be 'https://hooks.example.com/wa'
        ($setting.HeaderNames | Sort-Object) | Should -Be @('Tenant', 'X-Hook-Token')
        ($setting | Format-List * | Out-String) | Should -Not -Match 'hook-secret-4711'
    }

    It 'refuses http:// before sending anything' {
        $before = $emulator.RequestCount
        { Set-MMWebhookUrl -Url http://hooks.example.com/wa } | Should -Throw -ErrorId 'InvalidWebhookUrl,*'
        $emulator.RequestCount | Should -Be $before
    }

    It 'changes nothing with -WhatIf' {
        Set-MMWebhookUrl -Url https://other.example.com/wa -WhatIf
        $emulator.Emulator.WebhookUrl | Should -Be 'https://hooks.example.com/wa'
    }
}

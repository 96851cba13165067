BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:secret = ConvertTo-SecureString 'app-secret-1' -AsPlainText -Force
    $script:body = '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[]}],"note":"café"}'
    $hmac = [System.Security.Cryptography.HMACSHA256]::new([Text.Encoding]::UTF8.GetBytes('app-secret-1'))
    $script:digest = $hmac.ComputeHash([Text.Encoding]::UTF8.GetBytes($body))
    $script:hex = -join ($digest | ForEach-Object { $_.ToString('x2') })
}

Describe 'Test-MMWebhookSignature' {
    It 'accepts Meta''s sha256=<hex> over the UTF-8 bytes of a string' {
        Test-MMWebhookSignature -Payload $body -Signature "sha256=$hex" -Secret $secret | Should -BeTrue
    }

    It 'accepts a byte array payload, upper-case hex and base64 with or without the prefix' {
        $bytes = [Text.Encoding]::UTF8.GetBytes($body)
        Test-MMWebhookSignature -Payload $bytes -Signature $hex.ToUpperInvariant() -Secret $secret | Should -BeTrue
        Test-MMWebhookSignature -Payload $bytes -Signature ([Convert]::ToBase64String($digest)) -Secret $secret | Should -BeTrue
        Test-MMWebhookSignature -Payload $bytes -Signature ('sha256=' + [Convert]::ToBase64String($digest)) -Secret $secret | Should -BeTrue
    }

    It 'returns false for a changed body, another secret or a malformed signature' {
        Test-MMWebhookSignature -Payload ($body + ' ') -Signature "sha256=$hex" -Secret $secret | Should -BeFalse
        Test-MMWebhookSignature -Payload $body -Signature "sha256=$hex" -Secret (ConvertTo-SecureString 'other' -AsPlainText -Force) | Should -BeFalse
        Test-MMWebhookSignature -Payload $body -Signature 'sha256=not-a-digest' -Secret $secret | Should -BeFalse
    }

    It 'writes InvalidWebhookPayload for a payload that is neither text nor bytes' {
        { Test-MMWebhookSignature -Payload (Get-Date) -Signature "sha256=$hex" -Secret $secret -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidWebhookPayload,*'
    }
}

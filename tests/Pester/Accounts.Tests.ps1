BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:emulator = Start-MMEmulator
    $script:secureKey = ConvertTo-SecureString $emulator.ApiKey -AsPlainText -Force
}
AfterAll {
    Get-MMAccount | Disconnect-MMAccount -Confirm:$false
    Stop-MMEmulator
}

Describe 'Connect-MMAccount' {
    AfterEach { Get-MMAccount | Disconnect-MMAccount -Confirm:$false }

    It 'connects with -ApiKey, proves the key with one read, and shows only the last four characters' {
        $before = $emulator.RequestCount
        $account = Connect-MMAccount -ApiKey $secureKey -BaseUri $emulator.BaseUri -PassThru
        $account.Name | Should -Be 'default'
        $account.KeyHint | Should -Be $emulator.ApiKey.Substring($emulator.ApiKey.Length - 4)
        $account.IsDefault | Should -BeTrue
        $account.PSObject.Properties.Name | Should -Not -Contain 'ApiKey'
        $emulator.RequestCount | Should -Be ($before + 1)
        $emulator.Requests[-1].Path | Should -Be '/v1/configs/templates'
        $emulator.Requests[-1].Query | Should -Be '?limit=1'
    }

    It 'connects with -Credential whose password is the key' {
        $credential = [pscredential]::new('anyone', $secureKey)
        (Connect-MMAccount -Credential $credential -BaseUri $emulator.BaseUri -Name cred -PassThru).Name | Should -Be 'cred'
    }

    It 'takes the key from D360_API_KEY when neither -ApiKey nor -Credential is given' {
        $env:D360_API_KEY = $emulator.ApiKey
        try { (Connect-MMAccount -BaseUri $emulator.BaseUri -PassThru).KeyHint | Should -Be $emulator.ApiKey.Substring($emulator.ApiKey.Length - 4) }
        finally { Remove-Item Env:D360_API_KEY }
    }

    It 'fails with NoApiKey when no key is given anywhere' {
        Remove-Item Env:D360_API_KEY -ErrorAction SilentlyContinue
        { Connect-MMAccount -BaseUri $emulator.BaseUri } | Should -Throw -ErrorId 'NoApiKey,*'
    }

    It 'fails with InvalidApiKey on 401, and the message does not contain the key' {
        $wrong = 'wrong-key-1234567890abcdef'
        $err = { Connect-MMAccount -ApiKey (ConvertTo-SecureString $wrong -AsPlainText -Force) -BaseUri $emulator.BaseUri } |
            Should -Throw -ErrorId 'InvalidApiKey,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -Match 'cdef'
        $err.Exception.Message | Should -Not -Match ([regex]::Escape($wrong))
        Get-MMAccount | Should -BeNullOrEmpty
    }

    It 'keeps an unverified key with -SkipValidation and sends nothing' {
        $before = $emulator.RequestCount
        Connect-MMAccount -ApiKey (ConvertTo-SecureString 'unchecked-key' -AsPlainText -Force) -BaseUri $emulator.BaseUri -SkipValidation
        $emulator.RequestCount | Should -Be $before
        (Get-MMAccount).KeyHint | Should -Be '-key'
    }

    It 'shows no character of a key shorter than 12 characters' {
        (Connect-MMAccount -ApiKey (ConvertTo-SecureString 'short-9876' -AsPlainText -Force) -BaseUri $emulator.BaseUri -SkipValidation -PassThru).KeyHint |
            Should -Be '****'
    }

    It 'refuses http:// to a host that is not loopback' {
        { Connect-MMAccount -ApiKey $secureKey -BaseUri 'http://example.com' -SkipValidation } |
            Should -Throw -ErrorId 'InvalidBaseUri,*'
    }

    It 'never sends loopback traffic (key header included) through HTTP_PROXY' {
        # A "proxy" that only records whether anybody connected; the client runs in a fresh pwsh, because .NET
        # reads the proxy variables once per process.
        $proxy = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $proxy.Start()
        $contacted = $proxy.AcceptTcpClientAsync()
        $proxyUri = "http://127.0.0.1:$($proxy.LocalEndpoint.Port)"
        $script = @"
Import-Module '$(Get-TestModulePath)'
Connect-MMAccount -BaseUri '$($emulator.BaseUri)'
Send-MarketingMessage -To 447911000777 -TemplateName welcome_offer | Out-Null
"@
        $before = $emulator.AcceptedCount('447911000777')
        # Both spellings of each variable: on Linux they are two variables, and a hash literal would fold them into one.
        $environment = [hashtable]::new([StringComparer]::Ordinal)
        foreach ($name in 'HTTP_PROXY', 'http_proxy') { $environment[$name] = $proxyUri }
        foreach ($name in 'NO_PROXY', 'no_proxy') { $environment[$name] = $null }
        $environment['D360_API_KEY'] = $emulator.ApiKey
        $child = Start-TestPwsh -Script $script -OutputPrefix (Join-Path $TestDrive 'proxy') -Environment $environment
        try {
            # Bounded: a client that did go to the proxy would wait there for an answer that never comes.
            $deadline = [DateTime]::UtcNow.AddSeconds(45)
            while (-not $child.HasExited -and -not $contacted.IsCompleted -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $contacted.IsCompleted | Should -BeFalse -Because 'a proxy must never see loopback traffic: it would carry the key in clear'
            $child.HasExited | Should -BeTrue -Because (Get-Content (Join-Path $TestDrive 'proxy.err') -Raw)
            $emulator.AcceptedCount('447911000777') | Should -Be ($before + 1)
        } finally {
            if (-not $child.HasExited) { $child.Kill() }
            $proxy.Stop()
        }
    }

    It 'keeps several named accounts; the first is the default until it is disconnected' {
        Connect-MMAccount -ApiKey $secureKey -BaseUri $emulator.BaseUri -Name one
        Connect-MMAccount -ApiKey $secureKey -BaseUri $emulator.BaseUri -Name two
        (Get-MMAccount | Where-Object IsDefault).Name | Should -Be 'one'
        (Get-MMAccount -Name t*).Name | Should -Be 'two'
        Disconnect-MMAccount -Name one
        (Get-MMAccount | Where-Object IsDefault).Name | Should -Be 'two'
    }

    It 'writes AccountNotFound for an unknown name' {
        Get-MMAccount -Name nobody -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'AccountNotFound,*'
    }

    It 'keeps accounts per runspace: a new runspace sees none of them' {
        Connect-MMAccount -ApiKey $secureKey -BaseUri $emulator.BaseUri -Name mine
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$(Get-TestModulePath)'; @(Get-MMAccount).Count")
            $ps.Invoke() | Should -Be 0
        } finally { $ps.Dispose() }
        (Get-MMAccount).Name | Should -Be 'mine'
    }

    It 'never shows the key in verbose output' {
        $verbose = Connect-MMAccount -ApiKey $secureKey -BaseUri $emulator.BaseUri -Verbose 4>&1
        ($verbose | Out-String) | Should -Not -Match ([regex]::Escape($emulator.ApiKey))
        ($verbose | Out-String) | Should -Match 'Connected account'
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:fixtures = Join-Path $PSScriptRoot '../fixtures/webhooks'
    $script:plainSecret = 'platform-secret'
    $script:secret = ConvertTo-SecureString $plainSecret -AsPlainText -Force
    function script:Sign([string] $text) {
        $hmac = [System.Security.Cryptography.HMACSHA256]::new([Text.Encoding]::UTF8.GetBytes($plainSecret))
        'sha256=' + (-join ($hmac.ComputeHash([Text.Encoding]::UTF8.GetBytes($text)) | ForEach-Object { $_.ToString('x2') }))
    }
    function script:Post($receiver, [string] $text, [hashtable] $headers = @{}) {
        try {
            (Invoke-WebRequest -Uri $receiver.BaseUri -Method Post -Body ([Text.Encoding]::UTF8.GetBytes($text)) -ContentType 'application/json' -Headers $headers -UseBasicParsing).StatusCode
        } catch {
            [int]$_.Exception.Response.StatusCode
        }
    }
}
AfterAll { Stop-MMWebhookReceiver -Confirm:$false }

Describe 'Start-MMWebhookReceiver and Stop-MMWebhookReceiver' {
    BeforeEach { $script:file = Join-Path ([IO.Path]::GetTempPath()) "mm-events-$([guid]::NewGuid().ToString('N')).jsonl" }
    AfterEach { Remove-Item $file, "$file.lock" -ErrorAction SilentlyContinue }

    It 'stores signed deliveries as JSON lines that ConvertFrom-MMWebhook and Measure-MMCampaign read' {
        $receiver = Start-MMWebhookReceiver -Path $file -Secret $secret -VerifyToken 'tok'
        $receiver.IsRunning | Should -BeTrue
        $receiver.VerifiesSignatures | Should -BeTrue
        $challenge = Invoke-WebRequest -Uri "$($receiver.BaseUri)?hub.mode=subscribe&hub.verify_token=tok&hub.challenge=4711" -UseBasicParsing
        $challenge.Content | Should -Be '4711'

        $lines = Get-Content (Join-Path $fixtures 'campaign.jsonl') | Select-Object -First 5
        foreach ($line in $lines) { Post $receiver $line @{ 'X-Hub-Signature-256' = (Sign $line) } | Should -Be 200 }
        Post $receiver $lines[0] @{ 'X-Hub-Signature-256' = (Sign 'something else') } | Should -Be 403
        Post $receiver $lines[0] | Should -Be 403
        $receiver.StoredCount | Should -Be 5
        $receiver.RejectedCount | Should -Be 2
        $receiver.LastRejection | Should -Match 'HTTP 403'

        $row = ConvertFrom-MMWebhook -Path $file | Measure-MMCampaign
        $row.Messages | Should -Be 2
        $row.Read | Should -Be 1
        $receiver | Stop-MMWebhookReceiver
        $receiver.IsRunning | Should -BeFalse
    }

    It 'stores a pretty-printed body on one line' {
        $receiver = Start-MMWebhookReceiver -Path $file -WarningAction SilentlyContinue
        $body = Get-Content (Join-Path $fixtures 'status-failed.json') -Raw
        Post $receiver $body | Should -Be 200
        Stop-MMWebhookReceiver -InputObject $receiver
        @(Get-Content $file).Count | Should -Be 1
        (ConvertFrom-MMWebhook -Path $file).ErrorCode | Should -Be 131049
    }

    It 'warns when no secret is given' {
        $null = Start-MMWebhookReceiver -Path $file -WarningVariable warned -WarningAction SilentlyContinue
        $warned[0].Message | Should -Match '-Secret'
        Stop-MMWebhookReceiver
    }

    It 'starts nothing with -WhatIf' {
        Start-MMWebhookReceiver -Path $file -WhatIf | Should -BeNullOrEmpty
        Test-Path $file | Should -BeFalse
    }

    It 'fails with WebhookReceiverStartFailed when the folder does not exist' {
        { Start-MMWebhookReceiver -Path (Join-Path $file 'x/events.jsonl') } | Should -Throw -ErrorId 'WebhookReceiverStartFailed,*'
    }

    It 'fails with WebhookReceiverStartFailed when the port is taken' {
        $first = Start-MMWebhookReceiver -Path $file -WarningAction SilentlyContinue
        { Start-MMWebhookReceiver -Path "$file.2" -Port $first.Port -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'WebhookReceiverStartFailed,*'
        Stop-MMWebhookReceiver
        Remove-Item "$file.2" -ErrorAction SilentlyContinue
    }

    It 'refuses a second receiver on the same file with WebhookFileInUse naming the first, here and in another process' {
        $first = Start-MMWebhookReceiver -Path $file -WarningAction SilentlyContinue
        try {
            $err = { Start-MMWebhookReceiver -Path $file -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'WebhookFileInUse,*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'ResourceBusy'
            $err.Exception.Message | Should -Match "webhook receiver on host .+, process $PID"

            # A background job is another pwsh process: the lock holds across processes too.
            $job = Start-Job -ScriptBlock {
                param($module, $path)
                Import-Module $module
                try { Start-MMWebhookReceiver -Path $path -WarningAction SilentlyContinue -ErrorAction Stop; 'started' }
                catch { $_.FullyQualifiedErrorId; $_.Exception.Message }
            } -ArgumentList (Get-TestModulePath), $file
            try {
                $null = Wait-Job $job -Timeout 120
                $job.State | Should -Be 'Completed'
                $answer = @(Receive-Job $job)
            } finally { Remove-Job $job -Force }
            $answer[0] | Should -BeLike 'WebhookFileInUse,*'
            $answer[1] | Should -Match "process $PID"
        } finally {
            Stop-MMWebhookReceiver -InputObject $first
        }
        $again = Start-MMWebhookReceiver -Path $file -WarningAction SilentlyContinue
        $again.IsRunning | Should -BeTrue
        Stop-MMWebhookReceiver -InputObject $again
    }

    It 'refuses connections over -MaxConnections (also bound by its former name) and closes idle ones after -HeaderTimeoutSeconds' {
        $receiver = Start-MMWebhookReceiver -Path $file -MaxRequestsInFlight 2 -HeaderTimeoutSeconds 1 -WarningAction SilentlyContinue
        $sockets = 1..3 | ForEach-Object {
            $socket = [Net.Sockets.Socket]::new('InterNetwork', 'Stream', 'Tcp')
            $socket.ReceiveTimeout = 10000
            $socket.Connect([Net.IPAddress]::Loopback, $receiver.Port)
            $socket
        }
        try {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $buffer = [byte[]]::new(512)
            [Text.Encoding]::ASCII.GetString($buffer, 0, $sockets[2].Receive($buffer)) | Should -BeLike 'HTTP/1.1 503*'
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 1
            # The two it holds send nothing: closed without an answer once the header timeout passes.
            $sockets[0].Receive($buffer) | Should -Be 0
            $sockets[1].Receive($buffer) | Should -Be 0
            $watch.Elapsed.TotalSeconds | Should -BeGreaterThan 0.9
            $receiver.RejectedCount | Should -Be 3
            $receiver.LastRejection | Should -Match 'HTTP 408: no request within 1 s'
        } finally {
            $sockets | ForEach-Object { $_.Dispose() }
            Stop-MMWebhookReceiver -InputObject $receiver
        }
        { Start-MMWebhookReceiver -Path $file -HeaderTimeoutSeconds 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'answers 400 to a body that is not UTF-8 and stores nothing' {
        $receiver = Start-MMWebhookReceiver -Path $file -WarningAction SilentlyContinue
        $bytes = [Text.Encoding]::UTF8.GetBytes('{"entry":[],"note":"x"}')
        $bytes[[Array]::IndexOf($bytes, [byte][char]'x')] = 0xFF
        $code = try { (Invoke-WebRequest -Uri $receiver.BaseUri -Method Post -Body $bytes -ContentType 'application/json' -UseBasicParsing).StatusCode } catch { [int]$_.Exception.Response.StatusCode }
        $code | Should -Be 400
        $receiver.StoredCount | Should -Be 0
        $receiver.LastRejection | Should -Match 'UTF-8'
        Stop-MMWebhookReceiver -InputObject $receiver
    }
}

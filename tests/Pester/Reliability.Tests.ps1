# Exactly once under real faults: journals held by one run, campaigns that do not match, a corrupt journal, and the
# fault suite (10,000 recipients through gateway errors, rate limits, dropped connections and a kill -9; a rerun; an
# overlapping second run), counted per number on the emulator. The suite's figures go to fault-suite.json beside the
# test summary, where build.ps1 Test prints them.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force

    # A pwsh of its own, connected to the emulator; the key travels in the child's environment, never on a command line.
    function Start-Child {
        param([string] $Script, [string] $Name, [object] $Emulator)
        $full = "Import-Module '$(Get-TestModulePath)'`nConnect-MMAccount -BaseUri '$($Emulator.BaseUri)' -SkipValidation`n" + $Script
        Start-TestPwsh -Script $full -OutputPrefix (Join-Path $TestDrive $Name) -Environment @{ D360_API_KEY = $Emulator.ApiKey }
    }

    # The child's campaign: results to a CSV, and the ErrorId of a terminating error to stdout.
    # A .csv audience (Phone, UserId columns) binds by property name; a text file gives one number a line.
    function Get-CampaignScript([string] $NumbersFile, [string] $Journal, [string] $ResultsFile, [int] $Rate) {
        $read = if ($NumbersFile -like '*.csv') { "Import-Csv '$NumbersFile'" } else { "Get-Content '$NumbersFile'" }
        @"
try {
    $read | Send-MarketingMessage -TemplateName welcome_offer -JournalPath '$Journal' -MessagesPerSecond $Rate -MaxRetries 4 -ErrorAction SilentlyContinue |
        Select-Object To, UserId, Status, ErrorCode | Export-Csv '$ResultsFile' -NoTypeInformation
} catch {
    "`$(`$_.FullyQualifiedErrorId)|`$(`$_.Exception.Message)"
    exit 3
}
"@
    }

}
AfterAll {
    Get-MMAccount | Disconnect-MMAccount -Confirm:$false
    Stop-MMEmulator
}

Describe 'A journal belongs to one run and one campaign' {
    BeforeAll { $script:emulator = Start-TestEmulator -AccountName journal }
    AfterAll { $emulator | Stop-MMEmulator }

    It 'refuses a journal of another template with JournalMismatch, before sending anything' {
        $journal = Join-Path $TestDrive 'spring.journal'
        $null = '447911000001', '447911000002' | Send-MarketingMessage -TemplateName welcome_offer -Account journal -JournalPath $journal
        $before = $emulator.RequestCount
        { '447911000001', '447911000003' | Send-MarketingMessage -TemplateName spring_sale -BodyParameter a, b -Account journal -JournalPath $journal } |
            Should -Throw -ErrorId 'JournalMismatch,*' -ExpectedMessage "*belongs to another campaign: template 'welcome_offer'*-JournalPath*"
        $emulator.RequestCount | Should -Be $before
    }

    It 'refuses rows of another template from the pipeline, one error each, and sends the rest' {
        $journal = Join-Path $TestDrive 'rows.journal'
        $rows = "To,TemplateName`n447911000011,welcome_offer`n447911000012,spring_sale`n447911000013,welcome_offer" | ConvertFrom-Csv
        $results = $rows | Send-MarketingMessage -Account journal -JournalPath $journal -SkipTemplateCheck -ErrorVariable e -ErrorAction SilentlyContinue
        $results.Count | Should -Be 3
        ($results | Where-Object To -eq '447911000012').ErrorCode | Should -Be 'JournalMismatch'
        $e.FullyQualifiedErrorId | Should -BeLike 'JournalMismatch,*'
        $emulator.AcceptedCount('447911000012') | Should -Be 0
        $emulator.AcceptedCount('447911000013') | Should -Be 1
    }

    It 'fails with JournalUnavailable naming the line when a line has the wrong shape' {
        $journal = Join-Path $TestDrive 'corrupt.journal'
        Set-Content $journal '{"kind":"outcome","to":447911000021,"status":"Accepted","templateName":"welcome_offer"}'
        { '447911000021' | Send-MarketingMessage -TemplateName welcome_offer -Account journal -JournalPath $journal } |
            Should -Throw -ErrorId 'JournalUnavailable,*' -ExpectedMessage "Line 1 of the journal*'to' is a number*"
        $emulator.AcceptedCount('447911000021') | Should -Be 0
    }

    It 'fails at once with JournalInUse, naming the holder, while another process holds the journal' {
        $journal = Join-Path $TestDrive 'held.journal'
        $numbers = Join-Path $TestDrive 'held.txt'
        1..400 | ForEach-Object { '44791101{0:D4}' -f $_ } | Set-Content $numbers
        $child = Start-Child -Name held -Emulator $emulator -Script (Get-CampaignScript $numbers $journal (Join-Path $TestDrive 'held.csv') 40)
        try {
            Wait-Until { (Test-Path $journal) -and (Get-Item $journal).Length -gt 0 }
            $before = $emulator.RequestCount
            $watch = [Diagnostics.Stopwatch]::StartNew()
            { '447911020001' | Send-MarketingMessage -TemplateName welcome_offer -Account journal -JournalPath $journal } |
                Should -Throw -ErrorId 'JournalInUse,*' -ExpectedMessage "*process $($child.Id)*"
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
            $emulator.AcceptedCount('447911020001') | Should -Be 0
        } finally {
            $child.Kill()
            $child.WaitForExit()
        }
        # Killed while holding it: the next run takes the journal over, and says so.
        $null = '447911020001' | Send-MarketingMessage -TemplateName welcome_offer -Account journal -JournalPath $journal -WarningVariable w -WarningAction SilentlyContinue
        "$w" | Should -Match "ended without closing it \(Send-MarketingMessage campaign on host .*, process $($child.Id),"
        $emulator.AcceptedCount('447911020001') | Should -Be 1
    }
    It 'refuses a second run that reaches the held journal through a <Kind>' -ForEach @{ Kind = 'SymbolicLink'; Prefix = '44791103' }, @{ Kind = 'HardLink'; Prefix = '44791104' } -Skip:$IsWindows {
        $journal = Join-Path $TestDrive "linked-$Kind.journal"
        $link = Join-Path $TestDrive "other-name-$Kind.journal"
        $numbers = Join-Path $TestDrive "linked-$Kind.txt"
        $first = "${Prefix}0001"
        1..400 | ForEach-Object { "$Prefix{0:D4}" -f $_ } | Set-Content $numbers
        $null = New-Item -ItemType File -Path $journal
        $null = New-Item -ItemType $Kind -Path $link -Target $journal
        $child = Start-Child -Name "linked-$Kind" -Emulator $emulator -Script (Get-CampaignScript $numbers $journal (Join-Path $TestDrive "linked-$Kind.csv") 40)
        try {
            Wait-Until { $emulator.AcceptedCount($first) -ge 1 }
            # Through a symbolic link the holder's record is found beside the final target; a hard link has no target to
            # follow, so the holder is refused all the same, without its details.
            $expected = if ($Kind -eq 'SymbolicLink') { "*process $($child.Id)*" } else { '*in use by another run*' }
            { $first | Send-MarketingMessage -TemplateName welcome_offer -Account journal -JournalPath $link } |
                Should -Throw -ErrorId 'JournalInUse,*' -ExpectedMessage $expected
        } finally {
            $child.Kill()
            $child.WaitForExit()
        }
        $emulator.AcceptedCount($first) | Should -Be 1 -Because 'only the run that holds the journal sent to it'
    }
}

Describe 'The fault suite' {
    BeforeAll {
        # Gateway errors after acceptance (502, 504), refusals that are safe to retry (503, 429 with Retry-After),
        # dropped connections after acceptance (0) and unclear 200 answers, drawn from a seed so every run repeats. A
        # quarter of the people are username users (their webhooks omit the number), and every tenth row of the
        # audience names its person by BSUID only: the emulator counts sends per person, whichever key they went to.
        $script:emulator = Start-MMEmulator -Seed 8 -UsernameRate 0.25 -FaultRate @{ 503 = 0.04; 504 = 0.02; 502 = 0.01; 429 = 0.03; 0 = 0.01; MalformedOk = 0.005 }
        $emulator | Connect-MMAccount -Name faults
        $script:count = 10000
        $script:numbers = 1..$count | ForEach-Object { '4479112{0:D5}' -f $_ }
        $script:numbersFile = Join-Path $TestDrive 'audience.csv'
        $script:byUserId = @{}
        $i = 0
        $numbers | ForEach-Object {
            $userId = $emulator.UserIdOf($_)
            $byUserId[$userId] = $_
            if ((++$i % 10) -eq 0) { [pscustomobject]@{ Phone = ''; UserId = $userId } } else { [pscustomobject]@{ Phone = $_; UserId = '' } }
        } | Export-Csv $numbersFile -NoTypeInformation
        $script:journal = Join-Path $TestDrive 'faults.journal'
        $script:figures = [ordered]@{ Recipients = $count }
    }
    AfterAll {
        $emulator | Stop-MMEmulator
        if ($env:DIALOG360_MM_RESULTS) { $figures | ConvertTo-Json | Set-Content (Join-Path $env:DIALOG360_MM_RESULTS 'fault-suite.json') }
    }

    It 'survives a kill -9 of the sending process and a rerun: nobody twice, nobody lost' {
        $child = Start-Child -Name killed -Emulator $emulator -Script (Get-CampaignScript $numbersFile $journal (Join-Path $TestDrive 'killed.csv') 1500)
        try {
            Wait-Until { $emulator.AcceptedByRecipient.Count -ge 3000 -or $child.HasExited } -Seconds 120
            $child.HasExited | Should -BeFalse -Because 'the sender must be killed mid-campaign'
        } finally {
            $child.Kill()   # SIGKILL to the pwsh that sends: no finally blocks, no flushing
            $child.WaitForExit()
        }
        $figures.AcceptedBeforeKill = $emulator.AcceptedByRecipient.Count

        $watch = [Diagnostics.Stopwatch]::StartNew()
        $rerun = Import-Csv $numbersFile | Send-MarketingMessage -TemplateName welcome_offer -Account faults -JournalPath $journal `
            -MessagesPerSecond 1500 -MaxRetries 4 -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $figures.RerunSeconds = [math]::Round($watch.Elapsed.TotalSeconds, 1)
        $rerun.Count | Should -Be $count -Because 'every input yields exactly one result'

        $final = @{}; foreach ($r in $rerun) { $final[$(if ($r.To) { $r.To } else { $byUserId[$r.UserId] })] = $r.Status }
        $figures.ByUserIdOnly = @($rerun | Where-Object { -not $_.To }).Count
        $figures.UsernameUsers = @($numbers | Where-Object { $emulator.Emulator.FindPerson($_).IsUsernameUser }).Count
        $accepted = $emulator.AcceptedByRecipient
        $duplicates = @($numbers | Where-Object { $accepted[$_] -gt 1 })
        # Lost: said to be sent (Accepted, Skipped as already sent) but never accepted, or no result at all.
        $lost = @($numbers | Where-Object { -not $final.ContainsKey($_) -or ($final[$_] -in 'Accepted', 'Skipped' -and $accepted[$_] -ne 1) })
        # Failed means refused: the emulator must not have taken it.
        $failedButTaken = @($numbers | Where-Object { $final[$_] -eq 'Failed' -and $accepted[$_] -gt 0 })
        $byStatus = $rerun | Group-Object Status -AsHashTable -AsString
        $figures.Duplicates = $duplicates.Count
        $figures.Lost = $lost.Count
        $figures.AcceptedOnce = @($numbers | Where-Object { $accepted[$_] -eq 1 -and $final[$_] -in 'Accepted', 'Skipped' }).Count
        $figures.Unknown = if ($byStatus['Unknown']) { $byStatus['Unknown'].Count } else { 0 }
        $figures.Failed = if ($byStatus['Failed']) { $byStatus['Failed'].Count } else { 0 }
        $figures.SkippedAsAlreadySent = if ($byStatus['Skipped']) { $byStatus['Skipped'].Count } else { 0 }
        $figures.Requests = $emulator.RequestCount
        $duplicates.Count | Should -Be 0 -Because "nobody may get two messages: $($duplicates | Select-Object -First 5)"
        $lost.Count | Should -Be 0 -Because "nobody may be lost: $($lost | Select-Object -First 5)"
        $failedButTaken.Count | Should -Be 0
        ($figures.AcceptedOnce + $figures.Unknown + $figures.Failed) | Should -Be $count
        $figures.Unknown | Should -BeGreaterThan 0 -Because 'the suite must exercise in-doubt answers'
    }

    It 'lets only one of two overlapping runs send, and messages nobody twice' {
        $before = @{} + $emulator.AcceptedByRecipient
        $overlapNumbers = Join-Path $TestDrive 'overlap.txt'
        $numbers | Select-Object -First 3000 | ForEach-Object { $_ -replace '^4479112', '4479113' } | Set-Content $overlapNumbers
        $overlapJournal = Join-Path $TestDrive 'overlap.journal'
        $a = Start-Child -Name a -Emulator $emulator -Script (Get-CampaignScript $overlapNumbers $overlapJournal (Join-Path $TestDrive 'a.csv') 600)
        $b = Start-Child -Name b -Emulator $emulator -Script (Get-CampaignScript $overlapNumbers $overlapJournal (Join-Path $TestDrive 'b.csv') 600)
        Wait-Until { $a.HasExited -and $b.HasExited } -Seconds 120
        # 3: stopped by a terminating error; the sender ends with 0, or 1 when some recipients had errors (in doubt).
        @(@($a.ExitCode, $b.ExitCode) | Where-Object { $_ -eq 3 }).Count | Should -Be 1 -Because 'one run sends, the other stops at once'
        $refused = if ($a.ExitCode -eq 3) { 'a' } else { 'b' }
        $holder = if ($a.ExitCode -eq 3) { $b } else { $a }
        Get-Content (Join-Path $TestDrive "$refused.out") -Raw | Should -Match "^JournalInUse,.*process $($holder.Id),"
        $accepted = $emulator.AcceptedByRecipient
        $overlap = Get-Content $overlapNumbers
        $twice = @($overlap | Where-Object { $accepted[$_] -gt 1 })
        $figures.OverlapRecipients = $overlap.Count
        $figures.OverlapDuplicates = $twice.Count
        $twice.Count | Should -Be 0
        @(Import-Csv (Join-Path $TestDrive "$(if ($refused -eq 'a') { 'b' } else { 'a' }).csv")).Count | Should -Be $overlap.Count
    }
}

Describe 'A webhook receiver under a connection flood' -Skip:$IsWindows {
    It 'stays up under ulimit -n 1024 through 1,200 idle connections, closes them all, then stores a signed POST' {
        $file = Join-Path $TestDrive 'flood.jsonl'
        $portFile = Join-Path $TestDrive 'flood.port'
        $stopFile = Join-Path $TestDrive 'flood.stop'
        $secret = 'flood-secret'
        $script = @"
Import-Module '$(Get-TestModulePath)'
`$r = Start-MMWebhookReceiver -Path '$file' -Secret (ConvertTo-SecureString `$env:MM_FLOOD_SECRET -AsPlainText -Force) -HeaderTimeoutSeconds 2
Set-Content '$portFile' `$r.Port
while (-not (Test-Path '$stopFile')) { Start-Sleep -Milliseconds 100 }
"stored=`$(`$r.StoredCount) rejected=`$(`$r.RejectedCount) open=`$(`$r.Receiver.OpenConnections)"
Stop-MMWebhookReceiver
"@
        # The receiver's pwsh, limited to 1,024 open files as many servers are; exec keeps the process id, so the
        # process watched (and killed at the end) is that pwsh itself.
        $info = [Diagnostics.ProcessStartInfo]::new('bash')
        foreach ($argument in @('-c', 'ulimit -n 1024 && exec "$@"', 'bash', [Environment]::ProcessPath) +
                @(if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' }) +
                @('-NoProfile', '-NonInteractive', '-EncodedCommand', [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script)))) {
            $info.ArgumentList.Add($argument)
        }
        $info.Environment['MM_FLOOD_SECRET'] = $secret
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $child = [Diagnostics.Process]::Start($info)
        $stdout = $child.StandardOutput.ReadToEndAsync()
        $stderr = $child.StandardError.ReadToEndAsync()
        try {
            $sockets = [Collections.Generic.List[Net.Sockets.Socket]]::new()
            try {
                Wait-Until { (Test-Path $portFile) -or $child.HasExited } -Seconds 120
                if ($child.HasExited) { throw "The receiver did not start: $($stderr.Result)" }
                $port = [int](Get-Content $portFile)
                # On Linux, the receiver's open files: the flood may add the held connections, no more.
                $descriptors = { if (Test-Path "/proc/$($child.Id)/fd") { @(Get-ChildItem "/proc/$($child.Id)/fd").Count } else { 0 } }
                $before = & $descriptors

                # The flood: 1,200 connections that never send a byte, kept open by us.
                try {
                    for ($i = 0; $i -lt 1200; $i++) {
                        $socket = [Net.Sockets.Socket]::new('InterNetwork', 'Stream', 'Tcp')
                        $sockets.Add($socket)
                        $socket.Connect([Net.IPAddress]::Loopback, $port)
                    }
                } catch {
                    throw "Connection $($sockets.Count) of the flood failed (receiver alive: $(-not $child.HasExited)): $_"
                }
                # Readable means answered or closed by the receiver: those over the cap at once, the rest after the header timeout.
                $closed = { @($sockets | Where-Object { $_.Poll(0, 'SelectRead') }).Count }
                Wait-Until { (& $closed) -ge 1200 - 64 } -Seconds 10
                (& $descriptors) - $before | Should -BeLessOrEqual (64 + 8)
                Wait-Until { (& $closed) -eq 1200 } -Seconds 15
                $child.HasExited | Should -BeFalse -Because 'a flood must not end the receiver'
                $sample = $sockets[$sockets.Count - 1]
                $buffer = [byte[]]::new(512)
                [Text.Encoding]::ASCII.GetString($buffer, 0, $sample.Receive($buffer)) | Should -BeLike 'HTTP/1.1 503*Retry-After: 1*'
            } finally {
                foreach ($socket in $sockets) { $socket.Dispose() }
            }

            $body = '{"object":"whatsapp_business_account","entry":[]}'
            $hmac = [Security.Cryptography.HMACSHA256]::new([Text.Encoding]::UTF8.GetBytes($secret))
            $signature = 'sha256=' + [Convert]::ToHexString($hmac.ComputeHash([Text.Encoding]::UTF8.GetBytes($body))).ToLowerInvariant()
            $answer = Invoke-WebRequest -Uri "http://127.0.0.1:$port/" -Method Post -Body $body -ContentType 'application/json' `
                -Headers @{ 'X-Hub-Signature-256' = $signature } -UseBasicParsing
            $answer.StatusCode | Should -Be 200

            Set-Content $stopFile 'stop'
            if (-not $child.WaitForExit(60000)) { throw 'The receiver did not stop.' }
            $child.ExitCode | Should -Be 0 -Because $stderr.Result
            $stdout.Result | Should -Match 'stored=1 rejected=1200 open=0'
            Get-Content $file | Should -Be $body
        } finally {
            # A failed check leaves the receiver waiting for its stop file: end it.
            if (-not $child.HasExited) { $child.Kill(); $child.WaitForExit() }
        }
    }
}

# The suppression list as an admin uses it: typed numbers, a CSV of opt-outs, stored webhooks, the account's own list,
# a damaged line, and two processes adding at the same time.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:fixture = Join-Path $PSScriptRoot '../fixtures/webhooks/optouts.jsonl'
}

Describe 'Add-MMSuppression and Get-MMSuppression' {
    BeforeEach { $script:list = Join-Path $TestDrive "list-$([guid]::NewGuid()).jsonl" }

    It 'records a typed number normalised, with reason, source and time, one JSON line each' {
        $before = [DateTimeOffset]::UtcNow.AddSeconds(-1)
        Add-MMSuppression -Phone '+44 7911 123456' -Reason complaint -Path $list
        $entry = Get-MMSuppression -Path $list
        $entry.Phone | Should -Be '447911123456'
        $entry.Reason | Should -Be 'complaint'
        $entry.Source | Should -Be 'manual'
        $entry.Time | Should -BeGreaterThan $before
        $entry.PSObject.TypeNames[0] | Should -Be 'Dialog360.MM.Commands.Suppression.MMSuppressionEntry'
        $line = Get-Content $list | ConvertFrom-Json
        $line.action, $line.phone, $line.reason, $line.source | Should -Be 'add', '447911123456', 'complaint', 'manual'
        ($entry | Format-Table | Out-String) | Should -Match 'Person\s+Action\s+Reason\s+Time\s+Source'
        ($entry | Format-Table | Out-String) | Should -Match '\+447911123456\s+Add\s+complaint'
    }

    It 'imports a CSV by property name (source csv, blank reason manual), refuses a bad row alone, and adds nothing the second time' {
        $csv = Join-Path $TestDrive 'optouts.csv'
        "Phone,Reason`n+44 7911 123456,complaint`nnot a number,x`n0044 7911 000001,`n" | Set-Content $csv
        Import-Csv $csv | Add-MMSuppression -Path $list -ErrorVariable bad -ErrorAction SilentlyContinue
        $bad.Count | Should -Be 1
        $bad[0].FullyQualifiedErrorId | Should -BeLike 'InvalidPhoneNumber,*'
        $entries = Get-MMSuppression -Path $list
        $entries.Phone | Should -Be '447911123456', '447911000001'
        $entries.Reason | Should -Be 'complaint', 'manual'
        $entries.Source | Should -Be 'csv', 'csv'
        $size = (Get-Item $list).Length
        Import-Csv $csv | Add-MMSuppression -Path $list -ErrorAction SilentlyContinue
        (Get-Item $list).Length | Should -Be $size
    }

    It 'takes stops and 131050 failures from webhooks, removes on a newer resume, ignores the rest, and is idempotent' {
        $verbose = ConvertFrom-MMWebhook -Path $fixture | Add-MMSuppression -Path $list -Verbose 4>&1
        $entries = Get-MMSuppression -Path $list
        $entries.Phone | Should -Be '447700900001', '447700900002', '447700900006'
        $entries.Reason | Should -Be 'stop', '131050', 'stop'
        $entries[0].Source | Should -BeLike '*optouts.jsonl:1'
        $entries[0].Time | Should -Be ([DateTimeOffset]::FromUnixTimeSeconds(1750263700))
        # 447700900004: the resume (line 4) is newer than the stop read after it (line 5).
        Get-MMSuppression 447700900004 -Path $list -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        ($verbose | Out-String) | Should -Match '3 added, 1 removed, 1 already known.*2 event\(s\) or result\(s\) passed over'
        $size = (Get-Item $list).Length
        ConvertFrom-MMWebhook -Path $fixture | Add-MMSuppression -Path $list
        (Get-Item $list).Length | Should -Be $size
    }

    It 'writes nothing under -WhatIf' {
        '+44 7911 123456' | Add-MMSuppression -Path $list -WhatIf
        ConvertFrom-MMWebhook -Path $fixture | Add-MMSuppression -Path $list -WhatIf
        Test-Path $list | Should -BeFalse
    }

    It 'finds numbers by wildcard and says SuppressionNotFound for a plain number not on the list' {
        '447911123456', '447700900001', '4915112345678' | Add-MMSuppression -Path $list
        (Get-MMSuppression '+44*' -Path $list).Phone | Should -Be '447911123456', '447700900001'
        (Get-MMSuppression '+44 7700*' -Path $list).Phone | Should -Be '447700900001'
        Get-MMSuppression '+1 999*' -Path $list | Should -BeNullOrEmpty
        { Get-MMSuppression '+44 7911 000002' -Path $list -ErrorAction Stop } | Should -Throw -ErrorId 'SuppressionNotFound,*'
        Get-MMSuppression '+44 7911 000002' -Path $list -ErrorAction Ignore | Should -BeNullOrEmpty
    }

    It 'reports a damaged line with its number and still lists the rest' {
        $good = '{"action":"add","phone":"447911123456","reason":"stop","source":"manual","time":"2026-11-25T09:00:00Z"}'
        Set-Content $list "$good`n{broken`n" -NoNewline
        $entries = Get-MMSuppression -Path $list -ErrorVariable bad -ErrorAction SilentlyContinue
        $entries.Phone | Should -Be '447911123456'
        $bad[0].FullyQualifiedErrorId | Should -BeLike 'InvalidSuppressionEntry,*'
        $bad[0].Exception.Message | Should -BeLike '*line 2*'
    }

    It 'ignores a half last line left by a killed writer, and the next writer cuts it off' {
        $good = '{"action":"add","phone":"447911123456","reason":"stop","source":"manual","time":"2026-11-25T09:00:00Z"}'
        Set-Content $list "$good`n{`"action`":`"add`",`"pho" -NoNewline
        (Get-MMSuppression -Path $list -ErrorAction Stop).Phone | Should -Be '447911123456'
        Add-MMSuppression 447911000001 -Path $list -ErrorAction Stop
        (Get-Content $list).Count | Should -Be 2
        (Get-MMSuppression -Path $list -ErrorAction Stop).Phone | Should -Be '447911123456', '447911000001'
    }

    It 'stops with SuppressionListUnavailable when the folder does not exist' {
        { Add-MMSuppression 447911123456 -Path (Join-Path $TestDrive 'no/such/list.jsonl') } | Should -Throw -ErrorId 'SuppressionListUnavailable,*'
    }

    It 'stops with SuppressionListInUse when another writer holds the list for longer than a batch waits' {
        # Core loads in the module's own load context on PowerShell 7, out of reach of [type] names: take it from there.
        $held = (Get-ModuleType 'Dialog360.MM.Core.Files.FileLock')::Acquire($list, 'a long batch')
        try {
            { Add-MMSuppression 447911123456 -Path $list } | Should -Throw -ErrorId 'SuppressionListInUse,*' -ExpectedMessage '*a long batch*'
        } finally { $held.Dispose() }
        Add-MMSuppression 447911123456 -Path $list
        (Get-MMSuppression -Path $list).Phone | Should -Be '447911123456'
    }
}

Describe 'Remove-MMSuppression' {
    BeforeEach {
        $script:list = Join-Path $TestDrive "list-$([guid]::NewGuid()).jsonl"
        '447911123456', '447911000001' | Add-MMSuppression -Path $list
    }

    It 'appends a remove record, so the number is no longer listed and the history stays' {
        $removed = Remove-MMSuppression '+44 7911 123456' -Reason 'opted in' -Path $list -Confirm:$false -PassThru
        $removed.Action | Should -Be 'Remove'
        (Get-MMSuppression -Path $list).Phone | Should -Be '447911000001'
        $lines = Get-Content $list | ConvertFrom-Json
        $lines.action | Should -Be 'add', 'add', 'remove'
        $lines[2].reason | Should -Be 'opted in'
    }

    It 'takes the output of Get-MMSuppression, honours -WhatIf, and says SuppressionNotFound for a number not on the list' {
        Get-MMSuppression -Path $list | Remove-MMSuppression -Path $list -WhatIf
        (Get-MMSuppression -Path $list).Count | Should -Be 2
        Get-MMSuppression -Path $list | Remove-MMSuppression -Path $list -Confirm:$false
        Get-MMSuppression -Path $list | Should -BeNullOrEmpty
        Remove-MMSuppression 447911123456 -Path $list -Confirm:$false -ErrorVariable bad -ErrorAction SilentlyContinue
        $bad[0].FullyQualifiedErrorId | Should -BeLike 'SuppressionNotFound,*'
    }
}

Describe 'The account''s suppression list' {
    BeforeAll { $script:emulator = Start-MMEmulator }
    AfterAll {
        Get-MMAccount | Disconnect-MMAccount -Confirm:$false
        $emulator | Stop-MMEmulator
    }

    It 'is kept by Connect-MMAccount -SuppressionPath and used when -Path is not given' {
        $path = Join-Path $TestDrive 'account.jsonl'
        $account = $emulator | Connect-MMAccount -Name optouts -SuppressionPath $path -PassThru
        $account.SuppressionPath | Should -Be $path
        (Get-MMAccount -Name optouts).SuppressionPath | Should -Be $path
        '447911123456' | Add-MMSuppression -Account optouts
        (Get-MMSuppression -Account optouts).Phone | Should -Be '447911123456'
        Test-Path $path | Should -BeTrue
    }

    It 'takes only the 131050 refusals from piped send results, not every recipient' {
        $failing = Start-MMEmulator -FailRecipient @{ '+447700900003' = 131050; '+447700900004' = 131049 }
        try {
            $failing | Connect-MMAccount -Name results
            $results = '+447700900001', '+447700900003', '+447700900004' |
                Send-MarketingMessage -TemplateName welcome_offer -Account results -ErrorAction SilentlyContinue
            $results.Count | Should -Be 3
            $list = Join-Path $TestDrive 'results.jsonl'
            $results | Add-MMSuppression -Path $list
            $entry = Get-MMSuppression -Path $list
            $entry.Phone | Should -Be '447700900003'
            $entry.Reason, $entry.Source | Should -Be '131050', 'Send-MarketingMessage welcome_offer'
        } finally { $failing | Stop-MMEmulator }
    }

    It 'refuses a list in a folder that does not exist, and a command with no list at all' {
        { $emulator | Connect-MMAccount -Name nofolder -SuppressionPath (Join-Path $TestDrive 'none/list.jsonl') } |
            Should -Throw -ErrorId 'SuppressionListUnavailable,*'
        $emulator | Connect-MMAccount -Name plain
        { Get-MMSuppression -Account plain } | Should -Throw -ErrorId 'SuppressionListUnavailable,*' -ExpectedMessage '*-SuppressionPath*'
    }
}

Describe 'Two processes adding at once' {
    It 'loses no line and mixes none' {
        $list = Join-Path $TestDrive 'shared.jsonl'
        $children = foreach ($n in 1, 2) {
            # 40 batches of 10 per process: many chances to collide.
            $script = "Import-Module '$(Get-TestModulePath)'`n" +
                "foreach (`$b in 0..39) { 0..9 | ForEach-Object { '4479{0}{1:D2}{2}0' -f $n, `$b, `$_ + '00' } | Add-MMSuppression -Path '$list' -ErrorAction Stop }"
            Start-TestPwsh -Script $script -OutputPrefix (Join-Path $TestDrive "child$n")
        }
        $children | Wait-Process -Timeout 120 -ErrorAction SilentlyContinue
        foreach ($child in $children) {
            if (-not $child.HasExited) { $child.Kill(); throw 'a writer did not finish in 120 s' }
            $child.ExitCode | Should -Be 0 -Because (Get-Content (Join-Path $TestDrive "child$($children.IndexOf($child) + 1).err") -Raw)
        }
        $lines = Get-Content $list
        $lines.Count | Should -Be 800
        # One write per batch: each run of 10 lines comes from one process (the 5th digit names it).
        foreach ($i in 0..79) {
            ($lines[($i * 10)..($i * 10 + 9)] | ForEach-Object { ($_ | ConvertFrom-Json).phone[4] } | Sort-Object -Unique).Count | Should -Be 1
        }
        $entries = Get-MMSuppression -Path $list -ErrorAction Stop
        ($entries.Phone | Sort-Object -Unique).Count | Should -Be 800
    }
}

Describe 'Send-MarketingMessage and the suppression list' {
    BeforeAll {
        $script:emulator = Start-MMEmulator -FailRecipient @{ '+447700900050' = 131050 }
        $emulator | Connect-MMAccount -Name sendlist
    }
    AfterAll {
        Disconnect-MMAccount -Name sendlist, withlist -Confirm:$false -ErrorAction SilentlyContinue
        $emulator | Stop-MMEmulator
    }

    It 'holds a suppressed number back without a request, with the reason, and sends the rest' {
        $list = Join-Path $TestDrive 'send.jsonl'
        '+447911000901' | Add-MMSuppression -Path $list -Reason 'asked by phone' -Confirm:$false
        $before = $emulator.RequestCount
        $results = '+447911000901', '+447911000902' | Send-MarketingMessage -TemplateName welcome_offer -Account sendlist -SuppressionPath $list
        $held = $results | Where-Object To -eq '447911000901'
        $held.Status | Should -Be 'Suppressed'
        $held.ErrorMessage | Should -Match 'asked by phone'
        $emulator.AcceptedCount('447911000901') | Should -Be 0
        $emulator.AcceptedCount('447911000902') | Should -Be 1
        $emulator.RequestCount - $before | Should -Be 2 -Because 'one template list read and one send; nothing for the suppressed number'
    }

    It 'adds a 131050 refusal to the list by itself, so the next run does not ask again' {
        $list = Join-Path $TestDrive 'learn.jsonl'
        $first = '+447700900050' | Send-MarketingMessage -TemplateName welcome_offer -Account sendlist -SuppressionPath $list -ErrorAction SilentlyContinue
        $first.ErrorCode | Should -Be '131050'
        (Get-MMSuppression -Path $list).Phone | Should -Contain '447700900050'
        $before = $emulator.RequestCount
        $second = '+447700900050' | Send-MarketingMessage -TemplateName welcome_offer -Account sendlist -SuppressionPath $list
        $second.Status | Should -Be 'Suppressed'
        $emulator.RequestCount - $before | Should -BeLessOrEqual 1 -Because 'at most the template list is read; no send'
    }

    It 'holds back marketing sends only: a utility template on the Cloud API route still reaches the number' {
        $list = Join-Path $TestDrive 'utility.jsonl'
        '+447911000904' | Add-MMSuppression -Path $list -Confirm:$false
        $result = '+447911000904' | Send-MarketingMessage -TemplateName order_update -BodyParameter 'A-1001' -UseCloudApi -Account sendlist -SuppressionPath $list
        $result.Status | Should -Be 'Accepted'
        $held = '+447911000904' | Send-MarketingMessage -TemplateName welcome_offer -UseCloudApi -Account sendlist -SuppressionPath $list
        $held.Status | Should -Be 'Suppressed'
    }

    It 'holds back a number whose person stopped with only a BSUID, once a status in the same file paired them, read from the file or piped' {
        $bsuid = Join-Path $PSScriptRoot '../fixtures/webhooks/bsuid-optouts.jsonl'
        $list = Join-Path $TestDrive 'bsuid-file.jsonl'
        $said = Add-MMSuppression -WebhookFile $bsuid -Path $list -Verbose 4>&1 | ForEach-Object Message
        $said[-1] | Should -BeLike '*: 2 added, 0 removed, 0 already known*; 2 pair(s) of IDs learned*'
        $entry = Get-MMSuppression -Phone '+447700900010' -Path $list
        $entry.Reason, $entry.UserId, $entry.Phone | Should -Be 'stop', 'GB.1349120865530274191', $null
        $entry.Source | Should -BeLike '*bsuid-optouts.jsonl:2'
        (Get-MMSuppression -Phone 'FR.5519003' -Path $list).Reason | Should -Be '131050'
        $result = '+447700900010' | Send-MarketingMessage -TemplateName welcome_offer -Account sendlist -SuppressionPath $list
        $result.Status | Should -Be 'Suppressed'
        $emulator.AcceptedCount('447700900010') | Should -Be 0

        $piped = Join-Path $TestDrive 'bsuid-piped.jsonl'
        ConvertFrom-MMWebhook -Path $bsuid | Add-MMSuppression -Path $piped
        (Get-MMSuppression -Phone '+447700900010' -Path $piped).Reason | Should -Be 'stop'
        # Read again: every pair and record is known, nothing is written.
        $size = (Get-Item $piped).Length
        Add-MMSuppression -WebhookFile $bsuid -Path $piped
        (Get-Item $piped).Length | Should -Be $size

        $whatIf = Join-Path $TestDrive 'bsuid-whatif.jsonl'
        $said = Add-MMSuppression -WebhookFile $bsuid -Path $whatIf -WhatIf -Verbose 4>&1 | ForEach-Object Message
        $said[-1] | Should -BeLike '*2 pair(s) of IDs would be learned*'
        Test-Path $whatIf | Should -BeFalse
    }

    It 'uses the account''s list when the send names none' {
        $list = Join-Path $TestDrive 'account.jsonl'
        '+447911000903' | Add-MMSuppression -Path $list -Confirm:$false
        Connect-MMAccount -Name withlist -BaseUri $emulator.BaseUri -ApiKey (ConvertTo-SecureString $emulator.ApiKey -AsPlainText -Force) -SuppressionPath $list -SkipValidation
        $result = '+447911000903' | Send-MarketingMessage -TemplateName welcome_offer -Account withlist
        $result.Status | Should -Be 'Suppressed'
    }
}

Describe 'Add-MMSuppression -WebhookFile' {
    It 'reads stored webhook files straight into the list, with the same result as piping the events' {
        $piped = Join-Path $TestDrive 'piped.jsonl'
        $read = Join-Path $TestDrive 'read.jsonl'
        ConvertFrom-MMWebhook -Path $fixture | Add-MMSuppression -Path $piped -Confirm:$false
        Add-MMSuppression -WebhookFile $fixture -Path $read -Confirm:$false
        $a = Get-MMSuppression -Path $piped | ForEach-Object { "$($_.Phone) $($_.Reason) $($_.Time.ToString('o'))" }
        $b = Get-MMSuppression -Path $read | ForEach-Object { "$($_.Phone) $($_.Reason) $($_.Time.ToString('o'))" }
        $b | Should -Be $a
        @($b).Count | Should -BeGreaterThan 0
    }

    It 'offers -WhatIf and -Confirm only what the list''s rules would write' {
        $list = Join-Path $TestDrive 'whatif-list.jsonl'
        # Line 5 is a stop older than line 4's resume of the same number: it changes nothing, so it is not offered.
        $said = Add-MMSuppression -WebhookFile $fixture -Path $list -WhatIf -Verbose 4>&1 | ForEach-Object Message
        @($said -like '447700900004: stop (*optouts.jsonl:5) changes nothing: resume at * is as new or newer.').Count | Should -Be 1
        @($said -like '*changes nothing*').Count | Should -Be 1
        Test-Path $list | Should -BeFalse

        Add-MMSuppression -WebhookFile $fixture -Path $list -Confirm:$false
        # Read again, every record is known: nothing is offered, and the summary says so.
        $said = Add-MMSuppression -WebhookFile $fixture -Path $list -WhatIf -Verbose 4>&1 | ForEach-Object Message
        @($said -like '*changes nothing*').Count | Should -Be 5
        $said[-1] | Should -BeLike '*: 0 added, 0 removed, 5 already known*'
    }

    It 'a record declined at -Confirm does not hide a later record the list would write' {
        $pref = { param($phone, $value, $ts) '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"user_preferences","value":{"messaging_product":"whatsapp","user_preferences":[{"wa_id":"' + $phone + '","category":"marketing_messages","value":"' + $value + '","timestamp":' + $ts + '}]}}]}]}' }
        $list = Join-Path $TestDrive 'confirm-list.jsonl'
        $first = Join-Path $TestDrive 'first.jsonl'
        $later = Join-Path $TestDrive 'later.jsonl'
        Set-Content $first (& $pref 447700900009 stop 1750263000)
        Set-Content $later (& $pref 447700900009 stop 1750263900), (& $pref 447700900009 resume 1750263800)
        Add-MMSuppression -WebhookFile $first -Path $list -Confirm:$false
        # No to the newer stop, yes to the resume: without that stop, the resume is newer than what the list holds.
        $pwsh = [Environment]::ProcessPath
        $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
        $out = 'n', 'y' | & $pwsh @prefix -NoProfile -Command "Import-Module '$(Get-TestModulePath)'; Add-MMSuppression -WebhookFile '$later' -Path '$list' -Confirm" 2>&1
        ($out -join "`n") | Should -Match 'Are you sure'
        (Get-Content $list | ConvertFrom-Json).action | Should -Be 'add', 'remove'

        # A stop and a resume of the same second: the stop wins, whichever comes first, and reading them again writes nothing.
        $tie = Join-Path $TestDrive 'tie.jsonl'
        Set-Content $tie (& $pref 447700900008 resume 1750263000), (& $pref 447700900008 stop 1750263000)
        $tieList = Join-Path $TestDrive 'tie-list.jsonl'
        Add-MMSuppression -WebhookFile $tie -Path $tieList -Confirm:$false
        $lines = (Get-Content $tieList).Count
        Add-MMSuppression -WebhookFile $tie -Path $tieList -Confirm:$false
        (Get-Content $tieList).Count | Should -Be $lines
        (Get-MMSuppression -Path $tieList).Phone | Should -Be '447700900008'
    }

    It 'reads a named pipe as it comes, with -WebhookFile and with Measure-MMCampaign -Path' -Skip:($IsWindows) {
        foreach ($case in 'suppression', 'funnel') {
            $fifo = Join-Path $TestDrive "$case.pipe"
            & mkfifo $fifo
            # The writer's own output goes nowhere: it blocks until the pipe is opened, and must not hold ours meanwhile.
            & sh -c "(cat '$fixture' > '$fifo') >/dev/null 2>&1 </dev/null &"
            if ($case -eq 'suppression') {
                $list = Join-Path $TestDrive 'fifo-list.jsonl'
                Add-MMSuppression -WebhookFile $fifo -Path $list -Confirm:$false
                @(Get-MMSuppression -Path $list).Count | Should -BeGreaterThan 0
            } else {
                (Measure-MMCampaign -Path $fifo).Messages | Should -BeGreaterThan 0
            }
        }
    }

    It 'reports a broken line by file and line and reads on' {
        $events = Join-Path $TestDrive 'broken.jsonl'
        Set-Content $events -Value ('{"object":"whatsapp_business_account","entry":[ broken'), (Get-Content $fixture)
        $list = Join-Path $TestDrive 'broken-list.jsonl'
        Add-MMSuppression -WebhookFile $events -Path $list -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidWebhookJson,*'
        $e[0].Exception.Message | Should -Match 'line 1'
        @(Get-MMSuppression -Path $list).Count | Should -BeGreaterThan 0
    }

    It 'puts every opt-out on the list when damaged lines are among them, each damage one error with what it skipped' {
        $stop = { param($n) '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"user_preferences","value":{"messaging_product":"whatsapp","user_preferences":[{"wa_id":"4477009001' + $n.ToString('00') + '","category":"marketing_messages","value":"stop","timestamp":' + (1750263000 + $n) + '}]}}]}]}' }
        $lines = [Collections.Generic.List[string]]::new()
        foreach ($n in 1..10) { $lines.Add((& $stop $n)) }
        # After a delivery on its line: a comma, a brace, a second delivery cut short; a half line of its own, a line
        # that is not JSON, and two deliveries with no line break between them.
        $lines[1] += ','
        $lines[3] += ' }'
        $lines[5] += '{"object":"whatsapp_busi'
        $lines.Insert(7, '{"object":"whatsapp_business_account","entry":[{"id":"1","chan')
        $lines.Insert(9, 'not JSON')
        $lines[10] += $lines[11]
        $lines.RemoveAt(11)
        $file = Join-Path $TestDrive 'damaged-optouts.jsonl'
        [IO.File]::WriteAllText($file, ($lines -join "`n") + "`n")
        $list = Join-Path $TestDrive 'damaged-list.jsonl'

        Add-MMSuppression -WebhookFile $file -Path $list -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
        (Get-MMSuppression -Path $list).Phone | Sort-Object | Should -Be (1..10 | ForEach-Object { '4477009001' + $_.ToString('00') })
        $e.Count | Should -Be 5
        $e.Exception.Message | Should -Be @(
            "${file}, line 2: ',' is an invalid start of a value; skipped to line 3."
            "${file}, line 4: '}' is an invalid start of a value; skipped to line 5."
            "${file}, line 6: The delivery is cut short: its line ends in the middle of a value (its writer may have stopped mid-line); skipped to line 7."
            "${file}, line 8: The delivery is cut short: its line ends in the middle of a value (its writer may have stopped mid-line); skipped to line 9."
            "${file}, line 10: Not JSON: a value that begins with 'n' can only be the literal 'null'; skipped to line 11.")
    }
}

# The rules a runbook relies on: send windows in the recipient's time, failures a rerun does not repeat,
# held and paused sends surfaced, values per recipient from objects.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:emulator = Start-MMEmulator -FailRecipient @{ '+447700900061' = 131050 } -HoldRecipient @{ '+447911000071' = 'held_for_quality_assessment'; '+447911000072' = 'paused' }
    $emulator | Connect-MMAccount -Name rules
    function Get-Posts { @($emulator.Requests | Where-Object Method -eq 'POST') }
    # A window in UTC, as 'HH:mm:ss-HH:mm:ss', from offsets to now.
    function Get-Window([timespan] $Opens, [timespan] $Closes) {
        $now = [DateTime]::UtcNow
        '{0:HH\:mm\:ss}-{1:HH\:mm\:ss}' -f $now.Add($Opens), $now.Add($Closes)
    }
}
AfterAll {
    Disconnect-MMAccount -Name rules -Confirm:$false
    $emulator | Stop-MMEmulator
}

Describe 'Send windows' {
    It 'defers a recipient outside the window to its opening, journals it, and sends nothing' {
        $journal = Join-Path $TestDrive 'window.journal'
        $before = (Get-Posts).Count
        $result = '+447911000051' | Send-MarketingMessage -TemplateName welcome_offer -Account rules -JournalPath $journal `
            -SendWindow (Get-Window '02:00:00' '03:00:00') -TimeZone 'Etc/UTC'
        $result.Status | Should -Be 'Deferred'
        $result.ErrorCode | Should -Be 'OutsideSendWindow'
        ($result.NotBefore - [DateTimeOffset]::UtcNow).TotalHours | Should -BeGreaterThan 1.9
        (Get-Posts).Count | Should -Be $before
        (Get-Content $journal | ConvertFrom-Json | Where-Object kind -eq 'deferred').to | Should -Be '447911000051'

        # The scheduled task's next run, inside the window, sends it.
        $next = '+447911000051' | Send-MarketingMessage -TemplateName welcome_offer -Account rules -JournalPath $journal `
            -SendWindow (Get-Window '-00:10:00' '01:00:00') -TimeZone 'Etc/UTC'
        $next.Status | Should -Be 'Accepted'
    }

    It 'waits for a window that opens within -WaitForWindow, then sends' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $result = '+447911000052' | Send-MarketingMessage -TemplateName welcome_offer -Account rules `
            -SendWindow (Get-Window '00:00:02' '01:00:00') -TimeZone 'Etc/UTC' -WaitForWindow '00:05:00'
        $result.Status | Should -Be 'Accepted'
        $watch.Elapsed.TotalSeconds | Should -BeGreaterThan 1
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 30
    }

    It 'reads the window in each number''s own zone' {
        # London and Tokyo are nine hours apart: whatever the hour, each number is deferred exactly when its own clock is outside.
        $results = '+447911000053', '+81312345678' | Send-MarketingMessage -TemplateName welcome_offer -Account rules -SendWindow '09:00-20:00' -WhatIf
        $london = [TimeZoneInfo]::ConvertTime([DateTimeOffset]::UtcNow, [TimeZoneInfo]::FindSystemTimeZoneById('Europe/London')).TimeOfDay
        $tokyo = [TimeZoneInfo]::ConvertTime([DateTimeOffset]::UtcNow, [TimeZoneInfo]::FindSystemTimeZoneById('Asia/Tokyo')).TimeOfDay
        $open = { param($t) $t -ge [timespan]'09:00' -and $t -lt [timespan]'20:00' }
        $deferred = @($results | Where-Object Status -eq 'Deferred').To
        ('447911000053' -in $deferred) | Should -Be (-not (& $open $london))
        ('81312345678' -in $deferred) | Should -Be (-not (& $open $tokyo))
    }
}

Describe 'Reruns do not repeat what cannot succeed' {
    It 'skips a 131050 refusal on the rerun, and sends it again only with -RetryFailed' {
        $journal = Join-Path $TestDrive 'optout.journal'
        $first = '+447700900061' | Send-MarketingMessage -TemplateName welcome_offer -Account rules -JournalPath $journal -ErrorAction SilentlyContinue
        $first.ErrorCode | Should -Be '131050'
        $before = (Get-Posts).Count
        $rerun = '+447700900061' | Send-MarketingMessage -TemplateName welcome_offer -Account rules -JournalPath $journal
        $rerun.Status | Should -Be 'Skipped'
        $rerun.ErrorMessage | Should -Match '-RetryFailed'
        (Get-Posts).Count | Should -Be $before
        $null = '+447700900061' | Send-MarketingMessage -TemplateName welcome_offer -Account rules -JournalPath $journal -RetryFailed -ErrorAction SilentlyContinue
        (Get-Posts).Count | Should -Be ($before + 1)
    }
}

Describe 'Held and paused sends' {
    It 'marks them in the result, warns with the counts, and Measure-MMCampaign counts them from the journal' {
        $journal = Join-Path $TestDrive 'held.journal'
        $results = '+447911000071', '+447911000072', '+447911000073' |
            Send-MarketingMessage -TemplateName welcome_offer -Account rules -JournalPath $journal -WarningVariable w -WarningAction SilentlyContinue
        ($results | Where-Object IsHeld).To | Sort-Object | Should -Be @('447911000071', '447911000072')
        ($results | Where-Object To -eq '447911000072').MessageStatus | Should -Be 'paused'
        "$w" | Should -Match '2 accepted message\(s\) are not on their way yet: 1 held for quality assessment, 1 paused'
        $events = Join-Path $TestDrive 'none.jsonl'
        Set-Content $events ''
        $summary = Measure-MMCampaign -Path $events -JournalPath $journal
        $summary.HeldForQuality | Should -Be 1
        $summary.Paused | Should -Be 1
        $summary.Pending | Should -Be 3
    }
}

Describe 'Values per recipient from objects' {
    It 'binds -BodyParameter by property name, per object' {
        $rows = @(
            [pscustomobject]@{ Phone = '+447911000081'; BodyParameter = 'Ada', '20%' }
            [pscustomobject]@{ Phone = '+447911000082'; BodyParameter = 'Bob', '10%' }
        )
        $results = $rows | Send-MarketingMessage -TemplateName spring_sale -Account rules
        $results.Status | Should -Be @('Accepted', 'Accepted')
        $bodies = (Get-Posts | Select-Object -Last 2).Body -join "`n"
        $bodies | Should -Match '"to":"447911000081".*"text":"Ada"\},\{"type":"text","text":"20%"'
        $bodies | Should -Match '"to":"447911000082".*"text":"Bob"\},\{"type":"text","text":"10%"'
    }

    It 'binds -HeaderParameter and -ButtonParameter by property name, per object' {
        $rows = @(
            [pscustomobject]@{ Phone = '+447911000085'; HeaderParameter = 'Ada'; ButtonParameter = @{ Index = 0; Url = 'ada-link' } }
            [pscustomobject]@{ Phone = '+447911000086'; HeaderParameter = 'Bob'; ButtonParameter = @{ Index = 0; Url = 'bob-link' } }
        )
        $null = $rows | Send-MarketingMessage -TemplateName welcome_offer -Account rules -SkipTemplateCheck
        $bodies = (Get-Posts | Select-Object -Last 2).Body -join "`n"
        $bodies | Should -Match '"to":"447911000085".*"text":"Ada".*"text":"ada-link"'
        $bodies | Should -Match '"to":"447911000086".*"text":"Bob".*"text":"bob-link"'
    }

    It 'gives a row with bad values its own error and sends the next row' {
        $rows = @(
            [pscustomobject]@{ Phone = '+447911000083'; BodyParameter = @(@{ Currency = 'US'; Amount = 1 }, 'x') }
            [pscustomobject]@{ Phone = '+447911000084'; BodyParameter = 'Cy', '5%' }
        )
        $results = $rows | Send-MarketingMessage -TemplateName spring_sale -Account rules -ErrorVariable e -ErrorAction SilentlyContinue
        ($results | Where-Object To -eq '447911000084').Status | Should -Be 'Accepted'
        $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidBodyParameter,*'
        $emulator.AcceptedCount('447911000083') | Should -Be 0
    }
}

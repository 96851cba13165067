# An account's state in Azure Storage, against Azurite (build.ps1 Test starts it and names it in DIALOG360_MM_AZURITE):
# connecting, names, -Summary, and the fault suite again with its state in storage: a kill -9 and a rerun in a fresh
# process with no local files, two overlapping jobs, and storage that stops answering or stops mid-run (an Azurite of
# this file's own, which it stops and starts). Counted per number on the emulator.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../tools/Azurite.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    if (-not $env:DIALOG360_MM_AZURITE) { throw 'DIALOG360_MM_AZURITE is not set: run the tests with ./build.ps1 Test, which starts Azurite.' }

    function New-ContainerName { 'p' + [guid]::NewGuid().ToString('N').Substring(0, 20) }
    function ConvertTo-Secure([string] $Text) { ConvertTo-SecureString $Text -AsPlainText -Force }

    # A pwsh of its own (another "machine": it starts in an empty folder and keeps nothing local), connected to the
    # emulator with its state in the container; the key and the connection string travel in its environment.
    function Start-StorageJob {
        param([string] $Name, [object] $Emulator, [string] $Container, [string] $Script, [string] $ConnectionString = $env:DIALOG360_MM_AZURITE)
        $folder = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive "machine-$Name")
        $full = @"
Set-Location '$folder'
Import-Module '$(Get-TestModulePath)'
Connect-MMAccount -BaseUri '$($Emulator.BaseUri)' -SkipValidation -StorageConnectionString (ConvertTo-SecureString `$env:MM_STORAGE -AsPlainText -Force) -StorageContainer '$Container' -SuppressionPath optouts
$Script
"@
        Start-TestPwsh -Script $full -OutputPrefix (Join-Path $TestDrive $Name) -Environment @{ D360_API_KEY = $Emulator.ApiKey; MM_STORAGE = $ConnectionString }
    }

    # The job's campaign: results to a CSV in the test's folder, and the ErrorId of a terminating error to stdout.
    function Get-CampaignScript([string] $NumbersFile, [string] $Journal, [string] $ResultsFile, [int] $Rate) {
        @"
try {
    Get-Content '$NumbersFile' | Send-MarketingMessage -TemplateName welcome_offer -JournalPath '$Journal' -MessagesPerSecond $Rate -MaxRetries 4 -ErrorAction SilentlyContinue |
        Select-Object To, Status, ErrorCode | Export-Csv '$ResultsFile' -NoTypeInformation
} catch {
    "`$(`$_.FullyQualifiedErrorId)|`$(`$_.Exception.Message)"
    exit 3
}
"@
    }


    # A rerun in a fresh job, then the suite's counts: nobody accepted twice; nobody said to be sent (Accepted, or
    # Skipped as already sent) who was not accepted exactly once; every number accounted for.
    function Assert-ExactlyOnce {
        param([object] $Emulator, [string[]] $Numbers, [string] $ResultsFile, [hashtable] $Figures, [string] $Prefix)
        $results = @(Import-Csv $ResultsFile)
        $results.Count | Should -Be $Numbers.Count -Because 'every input yields exactly one result'
        $final = @{}; foreach ($r in $results) { $final[$r.To] = $r.Status }
        $accepted = $Emulator.AcceptedByRecipient
        $duplicates = @($Numbers | Where-Object { $accepted[$_] -gt 1 })
        $lost = @($Numbers | Where-Object { -not $final.ContainsKey($_) -or ($final[$_] -in 'Accepted', 'Skipped' -and $accepted[$_] -ne 1) })
        $Figures["${Prefix}Duplicates"] = $duplicates.Count
        $Figures["${Prefix}Lost"] = $lost.Count
        $Figures["${Prefix}Unknown"] = @($results | Where-Object Status -EQ Unknown).Count
        $duplicates.Count | Should -Be 0 -Because "nobody may get two messages: $($duplicates | Select-Object -First 5)"
        $lost.Count | Should -Be 0 -Because "nobody may be lost: $($lost | Select-Object -First 5)"
    }
}
AfterAll {
    Get-MMAccount | Disconnect-MMAccount -Confirm:$false
    Stop-MMEmulator
}

Describe 'Connecting an account whose state is in Azure Storage' {
    BeforeAll { $script:emulator = Start-MMEmulator }
    AfterAll { $emulator | Stop-MMEmulator }

    It 'creates the container, says where the state lives, and keeps journals and the list there' {
        $container = New-ContainerName
        $account = $emulator | Connect-MMAccount -Name stored -StorageConnectionString (ConvertTo-Secure $env:DIALOG360_MM_AZURITE) -StorageContainer $container -SuppressionPath optouts -PassThru
        $account.State | Should -BeLike "http://127.0.0.1:*/devstoreaccount1/$container"
        $account.SuppressionPath | Should -Be 'optouts'
        (Get-MMAccount -Name stored).State | Should -Be $account.State

        Push-Location $TestDrive
        try {
            $first = '447700800001', '447700800002' | Send-MarketingMessage -TemplateName welcome_offer -JournalPath weekly -Account stored
            $null = Add-MMSuppression -Phone '+447700800003' -Reason 'asked by phone' -Account stored
            $second = '447700800001', '447700800003', '447700800004' | Send-MarketingMessage -TemplateName welcome_offer -JournalPath weekly -Account stored
            Get-ChildItem $TestDrive -Filter 'weekly*' | Should -BeNullOrEmpty -Because 'nothing is written to the local disk'
        } finally { Pop-Location }
        $first.Status | Should -Be 'Accepted', 'Accepted'
        # Results come as answers come: a held-back person's at once, a send's when the API answers.
        ($second | Where-Object To -EQ '447700800001').Status | Should -Be 'Skipped'
        ($second | Where-Object To -EQ '447700800003').Status | Should -Be 'Suppressed'
        ($second | Where-Object To -EQ '447700800004').Status | Should -Be 'Accepted'
        (Get-MMSuppression -Account stored).Phone | Should -Be '447700800003'
        $emulator.AcceptedCount('447700800001') | Should -Be 1
        $emulator.AcceptedCount('447700800003') | Should -Be 0
    }

    It 'loads the Azure SDK only for an account that keeps its state in storage, in the module''s own load context' -Skip:($PSVersionTable.PSEdition -ne 'Core') {
        $script = @'
$ErrorActionPreference = 'Stop'
Import-Module $env:DIALOG360_MM_MODULE
function Loaded { @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Azure.Core' } | ForEach-Object { [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name }) }
$emulator = Start-MMEmulator
$emulator | Connect-MMAccount -Name files
$withFiles = Loaded
$emulator | Connect-MMAccount -Name stored -StorageConnectionString (ConvertTo-SecureString $env:DIALOG360_MM_AZURITE -AsPlainText -Force) -StorageContainer $env:MM_CONTAINER
Stop-MMEmulator
[pscustomobject]@{ WithFiles = $withFiles; WithStorage = Loaded } | ConvertTo-Json -Compress
'@
        $seen = Invoke-FreshPwsh -Script $script -TimeoutSeconds 60 -Environment @{ DIALOG360_MM_MODULE = (Get-TestModulePath); MM_CONTAINER = (New-ContainerName) } | ConvertFrom-Json
        @($seen.WithFiles) | Should -BeNullOrEmpty
        $seen.WithStorage | Should -Be 'Dialog360.MM'
    }

    It 'refuses storage that cannot be reached at connect time within seconds, with StorageUnavailable and what to check' {
        $port = Get-FreePort
        $unreachable = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$([Convert]::ToBase64String([byte[]]::new(64)));BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1;"
        $watch = [Diagnostics.Stopwatch]::StartNew()
        { $emulator | Connect-MMAccount -Name nowhere -StorageConnectionString (ConvertTo-Secure $unreachable) } |
            Should -Throw -ErrorId 'StorageUnavailable,*' -ExpectedMessage "*could not be reached*Check the storage address and the network*"
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 30
        Get-MMAccount -Name nowhere -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'refuses <Case> with InvalidStorageSetting before any request' -ForEach @(
        @{ Case = 'a container name Azure refuses'; Splat = @{ StorageConnectionString = 'UseDevelopmentStorage=true'; StorageContainer = 'Campaigns_2026' }; Message = '*lowercase letters, digits and hyphens*' }
        @{ Case = 'an account address without a way to sign in'; Splat = @{ StorageAccountUri = 'https://contoso.blob.core.windows.net' }; Message = '*-StorageSasToken or -UseManagedIdentity*' }
        @{ Case = 'a connection string with an address as well'; Splat = @{ StorageConnectionString = 'UseDevelopmentStorage=true'; StorageAccountUri = 'https://contoso.blob.core.windows.net' }; Message = '*leave out -StorageAccountUri*' }
    ) {
        $splat = @{} + $Splat
        if ($splat.StorageConnectionString) { $splat.StorageConnectionString = ConvertTo-Secure $splat.StorageConnectionString }
        { $emulator | Connect-MMAccount -Name refused @splat } | Should -Throw -ErrorId 'InvalidStorageSetting,*' -ExpectedMessage $Message
    }

    It 'refuses a path as a journal name, saying how names look' {
        $null = $emulator | Connect-MMAccount -Name named -StorageConnectionString (ConvertTo-Secure $env:DIALOG360_MM_AZURITE) -StorageContainer (New-ContainerName)
        { '447700800011' | Send-MarketingMessage -TemplateName welcome_offer -JournalPath ./weekly.jsonl -Account named } |
            Should -Throw -ErrorId 'InvalidStateName,*' -ExpectedMessage "*-JournalPath './weekly.jsonl'*it is a path*weekly-2026-49*"
        $emulator.AcceptedCount('447700800011') | Should -Be 0
    }

    It 'writes one summary object with -Summary, and the journal keeps every recipient' {
        $null = $emulator | Connect-MMAccount -Name summary -StorageConnectionString (ConvertTo-Secure $env:DIALOG360_MM_AZURITE) -StorageContainer (New-ContainerName) -SuppressionPath optouts
        $null = Add-MMSuppression -Phone '+447700800023' -Account summary
        $numbers = 1..30 | ForEach-Object { '4477008000{0:D2}' -f ($_ + 20) }
        $output = @($numbers + 'not a number' | Send-MarketingMessage -TemplateName welcome_offer -JournalPath summary -Account summary -Summary -ErrorAction SilentlyContinue -ErrorVariable failures)
        $output.Count | Should -Be 1
        $summary = $output[0]
        $summary.GetType().Name | Should -Be 'MMSendSummary'
        $summary.Total | Should -Be 31
        $summary.Accepted | Should -Be 29
        $summary.Suppressed | Should -Be 1
        $summary.Failed | Should -Be 1
        $summary.FailuresByCode['InvalidPhoneNumber'] | Should -Be 1
        $summary.Journal | Should -Be 'summary'
        $failures.Count | Should -Be 1 -Because 'failures still reach the error stream one by one'
        ($summary | Out-String).Length | Should -BeLessThan 2000
        # The journal has everyone: a rerun skips all who were accepted.
        $again = $numbers | Send-MarketingMessage -TemplateName welcome_offer -JournalPath summary -Account summary -Summary
        $again.Skipped | Should -Be 29
        $again.Accepted | Should -Be 0
    }
}

Describe 'The fault suite with state in Azure Storage' {
    BeforeAll {
        $script:emulator = Start-MMEmulator -Seed 11 -FaultRate @{ 503 = 0.04; 504 = 0.02; 502 = 0.01; 429 = 0.03; 0 = 0.01; MalformedOk = 0.005 }
        $script:figures = [ordered]@{}
    }
    AfterAll {
        $emulator | Stop-MMEmulator
        if ($env:DIALOG360_MM_RESULTS) { $figures | ConvertTo-Json | Set-Content (Join-Path $env:DIALOG360_MM_RESULTS 'fault-suite-azure.json') }
    }

    It 'survives a kill -9 of the job and a rerun on another machine with no local files: nobody twice, nobody lost' {
        $container = New-ContainerName
        $numbers = 1..3000 | ForEach-Object { '4479221{0:D5}' -f $_ }
        $numbersFile = Join-Path $TestDrive 'killed.txt'
        $numbers | Set-Content $numbersFile
        $job = Start-StorageJob -Name killed -Emulator $emulator -Container $container -Script (Get-CampaignScript $numbersFile weekly (Join-Path $TestDrive 'killed.csv') 600)
        try {
            Wait-Until { @($emulator.AcceptedByRecipient.Keys -like '4479221*').Count -ge 800 -or $job.HasExited } -Seconds 120
            $job.HasExited | Should -BeFalse -Because 'the job must be killed mid-campaign'
        } finally {
            $job.Kill()   # SIGKILL: its lease is never released and lapses by itself
            $job.WaitForExit()
        }
        $figures.AcceptedBeforeKill = @($emulator.AcceptedByRecipient.Keys -like '4479221*').Count

        $watch = [Diagnostics.Stopwatch]::StartNew()
        $rerun = Start-StorageJob -Name rerun -Emulator $emulator -Container $container -Script (Get-CampaignScript $numbersFile weekly (Join-Path $TestDrive 'rerun.csv') 600)
        Wait-Until { $rerun.HasExited } -Seconds 180
        $figures.RerunSeconds = [math]::Round($watch.Elapsed.TotalSeconds, 1)
        $rerun.ExitCode | Should -BeIn 0, 1 -Because (Get-Content (Join-Path $TestDrive 'rerun.out') -Raw)
        Assert-ExactlyOnce -Emulator $emulator -Numbers $numbers -ResultsFile (Join-Path $TestDrive 'rerun.csv') -Figures $figures -Prefix 'Kill'
        # The warning reaches the job's host output.
        (Get-Content (Join-Path $TestDrive 'rerun.out'), (Join-Path $TestDrive 'rerun.err') -Raw) -join '' |
            Should -Match 'ended without closing it' -Because 'the rerun says it took over the killed job''s journal'
    }

    It 'lets only one of two overlapping jobs send, names the holder to the other, and messages nobody twice' {
        $container = New-ContainerName
        $numbers = 1..3000 | ForEach-Object { '4479222{0:D5}' -f $_ }
        $numbersFile = Join-Path $TestDrive 'overlap.txt'
        $numbers | Set-Content $numbersFile
        # 100 messages a second: the holder is still sending when the other has waited a whole lease out.
        $a = Start-StorageJob -Name a -Emulator $emulator -Container $container -Script (Get-CampaignScript $numbersFile overlap (Join-Path $TestDrive 'a.csv') 100)
        $b = Start-StorageJob -Name b -Emulator $emulator -Container $container -Script (Get-CampaignScript $numbersFile overlap (Join-Path $TestDrive 'b.csv') 100)
        Wait-Until { $a.HasExited -and $b.HasExited } -Seconds 180
        @(@($a.ExitCode, $b.ExitCode) | Where-Object { $_ -eq 3 }).Count | Should -Be 1 -Because 'one job sends, the other is refused'
        $refused = if ($a.ExitCode -eq 3) { 'a' } else { 'b' }
        $holder = if ($a.ExitCode -eq 3) { $b } else { $a }
        Get-Content (Join-Path $TestDrive "$refused.out") -Raw | Should -Match "^JournalInUse,.*process $($holder.Id),"
        $twice = @($numbers | Where-Object { $emulator.AcceptedCount($_) -gt 1 })
        $figures.OverlapDuplicates = $twice.Count
        $twice.Count | Should -Be 0
        @(Import-Csv (Join-Path $TestDrive "$(if ($refused -eq 'a') { 'b' } else { 'a' }).csv")).Count | Should -Be $numbers.Count
    }
}

Describe 'Storage that stops answering in the middle of a campaign' -Skip:$IsWindows {
    # An Azurite of this block's own, paused (SIGSTOP: every request times out) or stopped (SIGTERM: it saves its data
    # and closes) while a job sends, then resumed or started again on the same port and data.
    BeforeAll {
        $script:emulator = Start-MMEmulator -Seed 12
        $script:figures = [ordered]@{}
        $script:azurite = Start-Azurite -Script $env:DIALOG360_MM_AZURITE_SCRIPT -Location (Join-Path $TestDrive 'azurite')
    }
    AfterAll {
        if ($azurite) { & kill -CONT $azurite.Process.Id 2>$null; Stop-Azurite $azurite }
        $emulator | Stop-MMEmulator
        if ($env:DIALOG360_MM_RESULTS) {
            $path = Join-Path $env:DIALOG360_MM_RESULTS 'fault-suite-azure.json'
            $all = [ordered]@{}
            if (Test-Path $path) { (Get-Content $path -Raw | ConvertFrom-Json).PSObject.Properties | ForEach-Object { $all[$_.Name] = $_.Value } }
            foreach ($k in $figures.Keys) { $all[$k] = $figures[$k] }
            $all | ConvertTo-Json | Set-Content $path
        }
    }

    It 'ends the job with an error naming storage when it is <Case>, without hanging, and the rerun messages nobody twice' -ForEach @(
        @{ Case = 'paused (requests time out)'; Signal = 'STOP'; Prefix = '4479223'; Tag = 'Paused' }
        @{ Case = 'stopped and started again'; Signal = 'TERM'; Prefix = '4479224'; Tag = 'Stopped' }
    ) {
        $container = New-ContainerName
        $numbers = 1..3000 | ForEach-Object { "$Prefix{0:D5}" -f $_ }
        $numbersFile = Join-Path $TestDrive "$Tag.txt"
        $numbers | Set-Content $numbersFile
        $job = Start-StorageJob -Name $Tag -Emulator $emulator -Container $container -ConnectionString $azurite.ConnectionString `
            -Script (Get-CampaignScript $numbersFile outage (Join-Path $TestDrive "$Tag.csv") 150)
        Wait-Until { @($emulator.AcceptedByRecipient.Keys -like "$Prefix*").Count -ge 500 -or $job.HasExited } -Seconds 120
        $job.HasExited | Should -BeFalse -Because "storage must fail mid-campaign: $(Get-Content (Join-Path $TestDrive "$Tag.out") -Raw -ErrorAction SilentlyContinue)"
        & kill "-$Signal" $azurite.Process.Id
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $ended = $job.WaitForExit(120000)
        $figures["${Tag}JobEndedSeconds"] = [math]::Round($watch.Elapsed.TotalSeconds, 1)
        if (-not $ended) { $job.Kill(); $job.WaitForExit() }
        $ended | Should -BeTrue -Because 'a job whose storage stops answering ends; it does not hang'
        $job.ExitCode | Should -Be 3
        # Whichever read or write meets the outage first ends the run: the journal's, or the list's read before a send.
        Get-Content (Join-Path $TestDrive "$Tag.out") -Raw | Should -Match '^(JournalUnavailable|SuppressionListUnavailable),'
        $figures["${Tag}AcceptedBeforeOutage"] = @($emulator.AcceptedByRecipient.Keys -like "$Prefix*").Count

        if ($Signal -eq 'STOP') { & kill -CONT $azurite.Process.Id }
        else {
            $null = $azurite.Process.WaitForExit(20000)
            $script:azurite = Start-Azurite -Script $azurite.Script -Location $azurite.Location -Port $azurite.Port
        }
        $rerun = Start-StorageJob -Name "$Tag-rerun" -Emulator $emulator -Container $container -ConnectionString $azurite.ConnectionString `
            -Script (Get-CampaignScript $numbersFile outage (Join-Path $TestDrive "$Tag-rerun.csv") 600)
        Wait-Until { $rerun.HasExited } -Seconds 180
        $rerun.ExitCode | Should -BeIn 0, 1 -Because (Get-Content (Join-Path $TestDrive "$Tag-rerun.out") -Raw)
        Assert-ExactlyOnce -Emulator $emulator -Numbers $numbers -ResultsFile (Join-Path $TestDrive "$Tag-rerun.csv") -Figures $figures -Prefix $Tag
    }
}

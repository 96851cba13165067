BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:cmdlets = Get-Command -Module Dialog360.MM -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } }
}
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
}

Describe 'Help of <Name>' -ForEach $cmdlets {
    BeforeAll { $script:help = Get-Help $Name -Full; $script:command = Get-Command $Name }

    It 'has a synopsis and a description of its own' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$Name\s"
        ($help.Description.Text -join ' ').Length | Should -BeGreaterThan 80
    }

    It 'describes every parameter' {
        $documented = @($help.Parameters.Parameter | Where-Object { ($_.Description.Text -join '').Trim() })
        foreach ($parameter in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $documented.Name | Should -Contain $parameter -Because "-$parameter needs a description"
        }
    }

    It 'has at least one example with code that parses, each once' {
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        $titles = @($help.Examples.Example | ForEach-Object { $_.Title.Trim('- ') })
        @($titles | Select-Object -Unique).Count | Should -Be $titles.Count -Because 'a page merged twice shows its examples twice'
        @($help.Examples.Example | ForEach-Object Code | Select-Object -Unique).Count | Should -Be $titles.Count -Because 'no example repeats another'
        foreach ($example in $help.Examples.Example) {
            $errors = $null
            $null = [System.Management.Automation.Language.Parser]::ParseInput($example.Code, [ref]$null, [ref]$errors)
            $errors | Should -BeNullOrEmpty -Because "example '$($example.Title.Trim('- '))' must be valid PowerShell"
        }
    }

    It 'links its online page first, then related cmdlets and the about topic, each with an address' {
        $links = @($help.relatedLinks.navigationLink)
        $links[0].linkText | Should -Be 'Online Version:'
        $links[0].uri | Should -BeLike "https://*/en-US/$Name.md"
        $links.linkText | Should -Contain 'about_Dialog360.MM'
        @($links | Where-Object linkText -Match '^[A-Za-z]+-[A-Za-z0-9]+$').Count | Should -BeGreaterThan 0
        foreach ($link in $links) {
            $link.uri | Should -Match '^https://\S+$' -Because "the link '$($link.linkText)' needs an address"
            if ($link.linkText -match '^[A-Za-z]+-[A-Za-z0-9]+$') { Get-Command $link.linkText -Module Dialog360.MM | Should -Not -BeNullOrEmpty }
        }
    }
}

Describe 'Module' {
    It 'exports exactly the cmdlets the manifest lists' {
        $manifest = Import-PowerShellDataFile (Get-TestModulePath)
        (Get-Command -Module Dialog360.MM -CommandType Cmdlet).Name | Sort-Object | Should -Be ($manifest.CmdletsToExport | Sort-Object)
    }

    It 'uses approved verbs only' {
        $approved = (Get-Verb).Verb
        foreach ($c in Get-Command -Module Dialog360.MM) { $approved | Should -Contain $c.Verb }
    }

    It 'declares an output type for every cmdlet' {
        foreach ($c in Get-Command -Module Dialog360.MM -CommandType Cmdlet) {
            $c.OutputType.Count | Should -BeGreaterThan 0 -Because "$($c.Name) needs [OutputType]"
        }
    }
}

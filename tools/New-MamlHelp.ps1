<#
.SYNOPSIS
    Builds the module's MAML help (Dialog360.MM.dll-Help.xml) from one markdown file per cmdlet, or rewrites those
    files in platyPS's layout (-UpdateMarkdown).
.DESCRIPTION
    platyPS is not available here, so this does the part of its job the module needs. Parameter facts (type,
    position, mandatory, pipeline input, aliases, wildcards, parameter sets) come from the built cmdlets themselves;
    the words come from src/Dialog360.MM/en-US/<Cmdlet>.md. The build fails when a cmdlet has no page, or a page
    misses a section or a parameter, describes a parameter the cmdlet does not have, or is not exactly the page
    -UpdateMarkdown would write (its syntax or parameter facts are stale, or its layout differs).

    Pages are in platyPS 0.14's layout (schema 2.0.0), so platyPS could take them over unchanged:
        --- metadata (external help file, Module Name, online version, schema) ---
        # Verb-Noun
        ## SYNOPSIS            one paragraph
        ## SYNTAX              one fenced block per parameter set: written from the cmdlet, never by hand
        ## DESCRIPTION         paragraphs
        ## EXAMPLES            '### Example N: title', a ```powershell fence, then paragraphs
        ## PARAMETERS          one '### -Name' per parameter: paragraphs ("Default value: X." states a default), then
                               a ```yaml block of facts written from the cmdlet; then '### CommonParameters'
        ## INPUTS / ## OUTPUTS '### Type.Name' then paragraphs
        ## NOTES               paragraphs (may be empty)
        ## RELATED LINKS       '[Text](target)' lines: a page here (Name.md) or an https address
    -UpdateMarkdown reads a page in any section order, without metadata, syntax or yaml, and with '- Name' links,
    and writes it in that layout: write the words, let the tool write the facts.
    Runs in its own process: it imports the built module, which cannot be unloaded afterwards.
#>
[CmdletBinding(DefaultParameterSetName = 'Maml')]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $MarkdownPath,
    [Parameter(Mandatory, ParameterSetName = 'Maml')] [string] $OutFile,
    [Parameter(Mandatory, ParameterSetName = 'Update')] [switch] $UpdateMarkdown
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3

$NsMaml = 'http://schemas.microsoft.com/maml/2004/10'
$NsCommand = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$NsDev = 'http://schemas.microsoft.com/maml/dev/2004/10'
$commonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters +
    [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
$shouldProcessText = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. Nothing is sent or changed.'
    Confirm = 'Prompts you for confirmation before each item is sent or changed.'
}

function Read-HelpPage([string] $Path) {
    $page = @{ Sections = @{}; Parameters = [ordered]@{}; Examples = [System.Collections.Generic.List[object]]::new();
               Inputs = [ordered]@{}; Outputs = [ordered]@{}; Links = [System.Collections.Generic.List[object]]::new() }
    $h2 = $null; $h3 = $null; $fence = $null; $buffer = [System.Collections.Generic.List[string]]::new()
    $example = $null

    $flush = {
        $text = ($buffer -join "`n").Trim()
        $buffer.Clear()
        if (-not $h2) { return }
        switch ($h2) {
            'SYNTAX' { } # written from the cmdlet
            'PARAMETERS' { if ($h3 -and $h3 -ne 'CommonParameters') { $page.Parameters[$h3.TrimStart('-')] = $text } }
            'INPUTS' { if ($h3) { $page.Inputs[$h3] = $text } }
            'OUTPUTS' { if ($h3) { $page.Outputs[$h3] = $text } }
            'EXAMPLES' { if ($example) { $example.Remarks = $text } }
            'RELATED LINKS' {
                foreach ($l in $text -split "`n") {
                    if ($l -match '^\s*\[(?<text>[^\]]+)\]\((?<target>[^)]*)\)\s*$') {
                        $page.Links.Add([pscustomobject]@{ Text = $Matches.text.Trim(); Target = $Matches.target.Trim() })
                    } elseif ($l -match '^\s*-\s*(?<name>\S+)\s*$') {
                        # The short form: a cmdlet or about topic of this module.
                        $target = if ($Matches.name -like 'about_*') { "$($Matches.name).help.txt" } else { "$($Matches.name).md" }
                        $page.Links.Add([pscustomobject]@{ Text = $Matches.name; Target = $target })
                    } elseif ($l.Trim()) { throw "${Path}: a related link must be '[Text](target)': $l" }
                }
            }
            default { if (-not $h3) { $page.Sections[$h2] = $text } }
        }
    }

    $lines = @(Get-Content -LiteralPath $Path -Encoding utf8)
    $first = 0
    if ($lines.Count -and $lines[0] -eq '---') {
        # The metadata block: its values are written by -UpdateMarkdown, so only its end matters here.
        $first = [array]::IndexOf($lines, '---', 1) + 1
        if ($first -eq 0) { throw "${Path}: the metadata block that starts with '---' does not end." }
    }
    foreach ($line in $lines | Select-Object -Skip $first) {
        if ($fence) {
            if ($line -match '^```\s*$') { $fence = $null }
            elseif ($fence -eq 'example') { $example.Code.Add($line) }
            continue
        }
        if ($line -match '^```(?<lang>\S*)') {
            $fence = if ($h2 -eq 'EXAMPLES' -and $example) { 'example' }
                     elseif ($h2 -eq 'SYNTAX' -or ($h2 -eq 'PARAMETERS' -and $Matches.lang -eq 'yaml')) { 'facts' }
                     else { throw "${Path}: a code fence outside an example, the syntax or a parameter's yaml." }
            continue
        }
        if ($line -match '^## (.+)$') { & $flush; $h2 = $Matches[1].Trim().ToUpperInvariant(); $h3 = $null; $example = $null; continue }
        if ($line -match '^### (.+)$') {
            & $flush; $h3 = $Matches[1].Trim()
            if ($h2 -eq 'EXAMPLES') {
                $example = [pscustomobject]@{ Title = $h3; Code = [System.Collections.Generic.List[string]]::new(); Remarks = '' }
                $page.Examples.Add($example)
            }
            continue
        }
        if ($line -match '^# ') { continue }
        $buffer.Add($line)
    }
    & $flush
    $page
}

# The page as platyPS would lay it out: the page's words, and syntax and parameter facts from the cmdlet.
function Format-HelpPage($command, $help, [string[]] $names, [string] $onlineUri) {
    $md = [System.Text.StringBuilder]::new()
    $add = { param([string] $line = '') $null = $md.Append($line).Append("`n") }
    $section = { param([string] $title, [string] $text) & $add; & $add "## $title"; if ($text) { & $add $text } }
    & $add '---'
    & $add 'external help file: Dialog360.MM.dll-Help.xml'
    & $add 'Module Name: Dialog360.MM'
    & $add "online version: $onlineUri"
    & $add 'schema: 2.0.0'
    & $add '---'
    & $add
    & $add "# $($command.Name)"
    & $section 'SYNOPSIS' $help.Sections['SYNOPSIS']
    & $section 'SYNTAX'
    foreach ($set in $command.ParameterSets) {
        & $add
        if ($command.ParameterSets.Count -gt 1) { & $add ("### $($set.Name)" + $(if ($set.IsDefault) { ' (Default)' })) }
        & $add '```'
        & $add "$($command.Name) $set"
        & $add '```'
    }
    & $section 'DESCRIPTION' $help.Sections['DESCRIPTION']
    & $section 'EXAMPLES'
    foreach ($example in $help.Examples) {
        & $add
        & $add "### $($example.Title)"
        & $add '```powershell'
        foreach ($line in $example.Code) { & $add $line }
        & $add '```'
        if ($example.Remarks) { & $add; & $add $example.Remarks }
    }
    & $section 'PARAMETERS'
    foreach ($name in $names) {
        $facts = Get-ParameterFacts $command $name
        $sets = @($command.ParameterSets | Where-Object { $_.Parameters.Name -contains $name })
        & $add
        & $add "### -$name"
        & $add $help.Parameters[$name]
        & $add
        & $add '```yaml'
        & $add "Type: $(if ($facts.IsSwitch) { 'SwitchParameter' } else { $facts.Type.Name })"
        & $add "Parameter Sets: $(if ($sets.Count -eq $command.ParameterSets.Count) { '(All)' } else { $sets.Name -join ', ' })"
        & $add $(if ($facts.Aliases -ne 'none') { "Aliases: $($facts.Aliases)" } else { 'Aliases:' })
        & $add
        & $add "Required: $($facts.Required)"
        & $add "Position: $($facts.Position -replace '^named$', 'Named')"
        & $add "Default value: $(Get-DefaultValue $help.Parameters[$name])"
        & $add "Accept pipeline input: $($facts.Pipeline)"
        & $add "Accept wildcard characters: $($facts.Globbing)"
        & $add '```'
    }
    & $add
    & $add '### CommonParameters'
    & $add ('This cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, -InformationAction, ' +
        '-InformationVariable, -OutBuffer, -OutVariable, -PipelineVariable, -ProgressAction, -Verbose, -WarningAction, and ' +
        '-WarningVariable. For more information, see [about_CommonParameters](http://go.microsoft.com/fwlink/?LinkID=113216).')
    foreach ($kind in @(@{ Title = 'INPUTS'; Source = $help.Inputs }, @{ Title = 'OUTPUTS'; Source = $help.Outputs })) {
        & $section $kind.Title
        foreach ($typeName in $kind.Source.Keys) {
            & $add
            & $add "### $typeName"
            if ($kind.Source[$typeName]) { & $add $kind.Source[$typeName] }
        }
    }
    & $section 'NOTES' $help.Sections['NOTES']
    & $section 'RELATED LINKS'
    foreach ($link in $help.Links) { & $add; & $add "[$($link.Text)]($($link.Target))" }
    $md.ToString()
}

# A page states a default as "Default value: X." in the parameter's text.
function Get-DefaultValue([string] $description) {
    if ($description -match 'Default value:\s*([^,;]+?)(\.\s|\.$|,|;|$)') { $Matches[1] } else { 'None' }
}

function Write-Paragraphs([System.Xml.XmlWriter] $w, [string] $text) {
    # Blank lines separate paragraphs; single newlines inside one are joined, as markdown renders them.
    $paragraphs = @($text -split "\n\s*\n" | ForEach-Object { ($_ -split "\n" | ForEach-Object Trim) -join ' ' } | Where-Object { $_ })
    if (-not $paragraphs) { $paragraphs = @('') }
    foreach ($p in $paragraphs) { $w.WriteElementString('maml', 'para', $NsMaml, $p) }
}

function Get-ParameterFacts($command, $parameterName) {
    $sets = @($command.ParameterSets | Where-Object { $_.Parameters.Name -contains $parameterName })
    $inSet = $sets[0].Parameters | Where-Object Name -eq $parameterName
    $byValue = @($sets | ForEach-Object { $_.Parameters | Where-Object Name -eq $parameterName } | Where-Object ValueFromPipeline).Count -gt 0
    $byName = @($sets | ForEach-Object { $_.Parameters | Where-Object Name -eq $parameterName } | Where-Object ValueFromPipelineByPropertyName).Count -gt 0
    $pipeline = if ($byValue -and $byName) { 'True (ByValue, ByPropertyName)' } elseif ($byValue) { 'True (ByValue)' } elseif ($byName) { 'True (ByPropertyName)' } else { 'False' }
    $meta = $command.Parameters[$parameterName]
    # An optional value parameter is Nullable<T> in C#; help shows T, as platyPS does, not "Nullable`1".
    $type = $meta.ParameterType
    if ([Nullable]::GetUnderlyingType($type)) { $type = [Nullable]::GetUnderlyingType($type) }
    [pscustomobject]@{
        Name      = $parameterName
        Type      = $type
        Required  = @($sets | ForEach-Object { $_.Parameters | Where-Object Name -eq $parameterName } | Where-Object IsMandatory).Count -eq $sets.Count
        Position  = if ($inSet.Position -ge 0) { [string]$inSet.Position } else { 'named' }
        Pipeline  = $pipeline
        Aliases   = if ($meta.Aliases.Count) { $meta.Aliases -join ', ' } else { 'none' }
        Globbing  = [bool]($meta.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
        IsSwitch  = $meta.SwitchParameter
    }
}

function Write-Parameter([System.Xml.XmlWriter] $w, $facts, [string] $description, [bool] $inSyntax, $setParameter) {
    $required = if ($inSyntax) { $setParameter.IsMandatory } else { $facts.Required }
    $position = if ($inSyntax) { if ($setParameter.Position -ge 0) { [string]$setParameter.Position } else { 'named' } } else { $facts.Position }
    $w.WriteStartElement('command', 'parameter', $NsCommand)
    $w.WriteAttributeString('required', ([string]$required).ToLowerInvariant())
    $w.WriteAttributeString('variableLength', ([string]$facts.Type.IsArray).ToLowerInvariant())
    $w.WriteAttributeString('globbing', ([string]$facts.Globbing).ToLowerInvariant())
    $w.WriteAttributeString('pipelineInput', $facts.Pipeline)
    $w.WriteAttributeString('position', $position)
    $w.WriteAttributeString('aliases', $facts.Aliases)
    $w.WriteElementString('maml', 'name', $NsMaml, $facts.Name)
    $w.WriteStartElement('maml', 'description', $NsMaml); Write-Paragraphs $w $description; $w.WriteEndElement()
    $typeName = if ($facts.IsSwitch) { 'SwitchParameter' } else { $facts.Type.Name }
    if (-not ($inSyntax -and $facts.IsSwitch)) {
        $w.WriteStartElement('command', 'parameterValue', $NsCommand)
        $w.WriteAttributeString('required', ([string](-not $facts.IsSwitch)).ToLowerInvariant())
        $w.WriteAttributeString('variableLength', ([string]$facts.Type.IsArray).ToLowerInvariant())
        $w.WriteString($typeName); $w.WriteEndElement()
    }
    $w.WriteStartElement('dev', 'type', $NsDev); $w.WriteElementString('maml', 'name', $NsMaml, $facts.Type.FullName); $w.WriteEndElement()
    $w.WriteElementString('dev', 'defaultValue', $NsDev, (Get-DefaultValue $description))
    $w.WriteEndElement()
}

Import-Module $ModulePath -Force
$module = Get-Module Dialog360.MM
$commands = Get-Command -Module Dialog360.MM -CommandType Cmdlet | Sort-Object Name
$problems = [System.Collections.Generic.List[string]]::new()
if (-not $module.ProjectUri) { throw 'The manifest needs PrivateData.PSData.ProjectUri: the online help addresses are made from it.' }
# Where the pages are read online; relative link targets resolve against it.
$onlineBase = "$($module.ProjectUri)".TrimEnd('/') + '/blob/main/src/Dialog360.MM/en-US/'

if (-not $UpdateMarkdown) {
    $settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
    $null = New-Item -ItemType Directory -Force -Path (Split-Path $OutFile)
    $w = [System.Xml.XmlWriter]::Create($OutFile, $settings)
    $w.WriteStartDocument()
    $w.WriteStartElement('helpItems', 'http://msh')
    $w.WriteAttributeString('schema', 'maml')
}
foreach ($command in $commands) {
    $page = Join-Path $MarkdownPath "$($command.Name).md"
    if (-not (Test-Path -LiteralPath $page)) { $problems.Add("$($command.Name): no help page $page"); continue }
    $help = Read-HelpPage $page
    foreach ($s in 'SYNOPSIS', 'DESCRIPTION') { if (-not $help.Sections[$s]) { $problems.Add("$($command.Name): ## $s is missing or empty") } }
    if ($help.Examples.Count -eq 0) { $problems.Add("$($command.Name): no example under ## EXAMPLES") }
    $names = @($command.Parameters.Keys | Where-Object { $_ -notin $commonParameters -or $_ -in 'WhatIf', 'Confirm' })
    foreach ($n in $names) {
        if ($n -in 'WhatIf', 'Confirm') { if (-not $help.Parameters.Contains($n)) { $help.Parameters[$n] = $shouldProcessText[$n] }; continue }
        if (-not $help.Parameters[$n]) { $problems.Add("$($command.Name): parameter -$n is not described under ## PARAMETERS") }
    }
    foreach ($n in $help.Parameters.Keys) { if ($n -notin $names) { $problems.Add("$($command.Name): the page describes -$n, which the cmdlet does not have") } }
    foreach ($link in $help.Links) {
        if ($link.Target -notmatch '^https://' -and -not (Test-Path -LiteralPath (Join-Path $MarkdownPath $link.Target))) {
            $problems.Add("$($command.Name): the related link [$($link.Text)]($($link.Target)) is neither an https address nor a page here")
        }
    }

    # The page's order for the words it has; a parameter it lacks gets an empty slot at the end.
    $pageOrder = @($help.Parameters.Keys | Where-Object { $_ -in $names }) + @($names | Where-Object { -not $help.Parameters.Contains($_) })
    $onlineUri = "$onlineBase$($command.Name).md"
    $expected = Format-HelpPage $command $help $pageOrder $onlineUri
    if ($UpdateMarkdown) {
        [System.IO.File]::WriteAllText($page, $expected, [System.Text.UTF8Encoding]::new($false))
        continue
    }
    if (([System.IO.File]::ReadAllText($page) -replace "`r`n", "`n") -cne $expected) {
        $problems.Add("$($command.Name): the page is not what './build.ps1 UpdateHelp' writes (stale syntax or parameter facts, or another layout): run it and review the diff")
    }

    $w.WriteStartElement('command', 'command', $NsCommand)
    $w.WriteAttributeString('xmlns', 'maml', $null, $NsMaml)
    $w.WriteAttributeString('xmlns', 'dev', $null, $NsDev)
    $w.WriteStartElement('command', 'details', $NsCommand)
    $w.WriteElementString('command', 'name', $NsCommand, $command.Name)
    $w.WriteElementString('command', 'verb', $NsCommand, $command.Verb)
    $w.WriteElementString('command', 'noun', $NsCommand, $command.Noun)
    $w.WriteStartElement('maml', 'description', $NsMaml); Write-Paragraphs $w ([string]$help.Sections['SYNOPSIS']); $w.WriteEndElement()
    $w.WriteEndElement()
    $w.WriteStartElement('maml', 'description', $NsMaml); Write-Paragraphs $w ([string]$help.Sections['DESCRIPTION']); $w.WriteEndElement()

    $w.WriteStartElement('command', 'syntax', $NsCommand)
    foreach ($set in $command.ParameterSets) {
        $w.WriteStartElement('command', 'syntaxItem', $NsCommand)
        $w.WriteElementString('maml', 'name', $NsMaml, $command.Name)
        foreach ($p in $set.Parameters | Where-Object { $_.Name -in $names }) {
            Write-Parameter $w (Get-ParameterFacts $command $p.Name) ([string]$help.Parameters[$p.Name]) $true $p
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $NsCommand)
    foreach ($n in $names) { Write-Parameter $w (Get-ParameterFacts $command $n) ([string]$help.Parameters[$n]) $false $null }
    $w.WriteEndElement()

    foreach ($kind in @(@{ List = 'inputTypes'; Item = 'inputType'; Source = $help.Inputs }, @{ List = 'returnValues'; Item = 'returnValue'; Source = $help.Outputs })) {
        $w.WriteStartElement('command', $kind.List, $NsCommand)
        foreach ($typeName in $kind.Source.Keys) {
            $w.WriteStartElement('command', $kind.Item, $NsCommand)
            $w.WriteStartElement('dev', 'type', $NsDev); $w.WriteElementString('maml', 'name', $NsMaml, $typeName); $w.WriteEndElement()
            $w.WriteStartElement('maml', 'description', $NsMaml); Write-Paragraphs $w ([string]$kind.Source[$typeName]); $w.WriteEndElement()
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }

    if ($help.Sections['NOTES']) {
        $w.WriteStartElement('maml', 'alertSet', $NsMaml); $w.WriteStartElement('maml', 'alert', $NsMaml)
        Write-Paragraphs $w ([string]$help.Sections['NOTES']); $w.WriteEndElement(); $w.WriteEndElement()
    }

    $w.WriteStartElement('command', 'examples', $NsCommand)
    foreach ($example in $help.Examples) {
        $w.WriteStartElement('command', 'example', $NsCommand)
        $w.WriteElementString('maml', 'title', $NsMaml, "-------------------------- $($example.Title) --------------------------")
        $w.WriteElementString('dev', 'code', $NsDev, ($example.Code -join "`n"))
        $w.WriteStartElement('dev', 'remarks', $NsDev); Write-Paragraphs $w ([string]$example.Remarks); $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'relatedLinks', $NsCommand)
    # As platyPS does: the online version first, so Get-Help -Online opens it.
    $links = @([pscustomobject]@{ Text = 'Online Version:'; Target = $onlineUri }) + $help.Links
    foreach ($link in $links) {
        $w.WriteStartElement('maml', 'navigationLink', $NsMaml)
        $w.WriteElementString('maml', 'linkText', $NsMaml, $link.Text)
        $w.WriteElementString('maml', 'uri', $NsMaml, $(if ($link.Target -match '^https://') { $link.Target } else { $onlineBase + $link.Target }))
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndElement()
}
if (-not $UpdateMarkdown) {
    $w.WriteEndElement()
    $w.WriteEndDocument()
    $w.Dispose()
}

foreach ($page in Get-ChildItem -LiteralPath $MarkdownPath -Filter *.md) {
    if ($page.BaseName -notin $commands.Name) { $problems.Add("$($page.Name): no exported cmdlet of that name (add it to CmdletsToExport, or remove the page)") }
}
if ($problems.Count) {
    if (-not $UpdateMarkdown) { Remove-Item -LiteralPath $OutFile -ErrorAction SilentlyContinue }
    throw "Help is incomplete:`n  " + ($problems -join "`n  ")
}
if ($UpdateMarkdown) { Write-Verbose "$($commands.Count) pages rewritten in $MarkdownPath" }
else { Write-Verbose "Help for $($commands.Count) cmdlets written to $OutFile" }

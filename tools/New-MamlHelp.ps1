<#
.SYNOPSIS
    Builds the module's MAML help (Dialog360.MM.dll-Help.xml) from one markdown file per cmdlet.
.DESCRIPTION
    platyPS is not available here, so this does the part of its job the module needs. Parameter facts (type,
    position, mandatory, pipeline input, aliases, wildcards, parameter sets) come from the built cmdlets themselves;
    the words come from src/Dialog360.MM/en-US/<Cmdlet>.md. The build fails when a cmdlet has no page, or a page
    misses a section or a parameter, or describes a parameter the cmdlet does not have.

    Page layout (platyPS-like):
        # Verb-Noun
        ## SYNOPSIS            one paragraph
        ## DESCRIPTION         paragraphs
        ## PARAMETERS          then one '### -Name' per parameter, paragraphs under it
        ## INPUTS / ## OUTPUTS '### Type.Name' then paragraphs
        ## NOTES               paragraphs (optional)
        ## EXAMPLES            '### Example N: title', a ```powershell fence, then paragraphs
        ## RELATED LINKS       '- Name' lines (optional)
    Runs in its own process: it imports the built module, which cannot be unloaded afterwards.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $MarkdownPath,
    [Parameter(Mandatory)] [string] $OutFile
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
               Inputs = [ordered]@{}; Outputs = [ordered]@{}; Links = [System.Collections.Generic.List[string]]::new() }
    $h2 = $null; $h3 = $null; $inFence = $false; $buffer = [System.Collections.Generic.List[string]]::new()
    $example = $null

    $flush = {
        $text = ($buffer -join "`n").Trim()
        $buffer.Clear()
        if (-not $h2) { return }
        switch ($h2) {
            'PARAMETERS' { if ($h3) { $page.Parameters[$h3.TrimStart('-')] = $text } }
            'INPUTS' { if ($h3) { $page.Inputs[$h3] = $text } }
            'OUTPUTS' { if ($h3) { $page.Outputs[$h3] = $text } }
            'EXAMPLES' { if ($example) { $example.Remarks = $text } }
            'RELATED LINKS' { foreach ($l in $text -split "`n") { if ($l -match '^\s*-\s*(.+)$') { $page.Links.Add($Matches[1].Trim()) } } }
            default { if (-not $h3) { $page.Sections[$h2] = $text } }
        }
    }

    foreach ($line in Get-Content -LiteralPath $Path -Encoding utf8) {
        if ($inFence) {
            if ($line -match '^```\s*$') { $inFence = $false } else { $example.Code.Add($line) }
            continue
        }
        if ($line -match '^```') {
            if ($h2 -ne 'EXAMPLES' -or -not $example) { throw "${Path}: a code fence outside an example." }
            $inFence = $true; continue
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
    [pscustomobject]@{
        Name      = $parameterName
        Type      = $meta.ParameterType
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
    # A page states a default as "Default value: X." in the parameter's text.
    $default = if ($description -match 'Default value:\s*([^,;]+?)(\.\s|\.$|,|;|$)') { $Matches[1] } else { 'None' }
    $w.WriteElementString('dev', 'defaultValue', $NsDev, $default)
    $w.WriteEndElement()
}

Import-Module $ModulePath -Force
$module = Get-Module Dialog360.MM
$commands = Get-Command -Module Dialog360.MM -CommandType Cmdlet | Sort-Object Name
$problems = [System.Collections.Generic.List[string]]::new()

$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$null = New-Item -ItemType Directory -Force -Path (Split-Path $OutFile)
$w = [System.Xml.XmlWriter]::Create($OutFile, $settings)
$w.WriteStartDocument()
$w.WriteStartElement('helpItems', 'http://msh')
$w.WriteAttributeString('schema', 'maml')
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
    foreach ($link in $help.Links) {
        $w.WriteStartElement('maml', 'navigationLink', $NsMaml)
        $w.WriteElementString('maml', 'linkText', $NsMaml, $link); $w.WriteElementString('maml', 'uri', $NsMaml, '')
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndElement()
}
$w.WriteEndElement()
$w.WriteEndDocument()
$w.Dispose()

foreach ($page in Get-ChildItem -LiteralPath $MarkdownPath -Filter *.md) {
    if ($page.BaseName -notin $commands.Name) { $problems.Add("$($page.Name): no exported cmdlet of that name (add it to CmdletsToExport, or remove the page)") }
}
if ($problems.Count) {
    Remove-Item -LiteralPath $OutFile -ErrorAction SilentlyContinue
    throw "Help is incomplete:`n  " + ($problems -join "`n  ")
}
Write-Verbose "Help for $($commands.Count) cmdlets written to $OutFile"

<#
.SYNOPSIS
    Headless Chromium (or Chrome, or Edge) from the command line: the rendered DOM of a page, a full-page screenshot and
    a PDF print, with what the page wrote to the browser's console. Used by the report's browser test and by
    `./build.ps1 Screenshot`. Only the browser's own flags: no driver, no DevTools connection.
#>
Set-StrictMode -Version 3

$script:InstallHint = 'No Chromium, Google Chrome or Microsoft Edge was found for the browser test of the campaign report. ' +
    'Install one: Debian or Ubuntu: sudo apt-get install chromium (or chromium-browser); Fedora: sudo dnf install chromium; ' +
    'macOS: brew install --cask chromium (or Google Chrome); Windows: Microsoft Edge (winget install Microsoft.Edge). ' +
    'Or set DIALOG360_MM_BROWSER to the browser''s executable.'

# The browser to use: DIALOG360_MM_BROWSER, else the first found on PATH or in the usual install folders; $null if none.
function Find-HeadlessBrowser {
    if ($env:DIALOG360_MM_BROWSER) {
        if (Test-Path -LiteralPath $env:DIALOG360_MM_BROWSER -PathType Leaf) { return (Resolve-Path -LiteralPath $env:DIALOG360_MM_BROWSER).ProviderPath }
        throw "DIALOG360_MM_BROWSER is '$($env:DIALOG360_MM_BROWSER)', which is not a file. $script:InstallHint"
    }
    foreach ($name in 'chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'microsoft-edge', 'microsoft-edge-stable', 'msedge', 'chrome') {
        $command = Get-Command $name -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($command) { return $command.Source }
    }
    $paths = @(
        '/Applications/Chromium.app/Contents/MacOS/Chromium'
        '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'
        '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge'
    )
    foreach ($root in ${env:ProgramFiles(x86)}, $env:ProgramFiles, $env:LOCALAPPDATA) {
        if (-not $root) { continue }
        $paths += Join-Path $root 'Microsoft\Edge\Application\msedge.exe'
        $paths += Join-Path $root 'Google\Chrome\Application\chrome.exe'
        $paths += Join-Path $root 'Chromium\Application\chrome.exe'
    }
    foreach ($path in $paths) { if (Test-Path -LiteralPath $path -PathType Leaf) { return $path } }
    $null
}

# What to install when Find-HeadlessBrowser finds nothing.
function Get-HeadlessBrowserHint { $script:InstallHint }

# Runs the browser once, headless, in a profile of its own that is removed afterwards. Returns its exit code, standard
# output and the console messages of the page (lines Chromium logs as CONSOLE: a failed load, a refused load, an error).
function Invoke-HeadlessBrowser {
    param(
        [Parameter(Mandatory)] [string] $Browser,
        [Parameter(Mandatory)] [string] $Page,
        [string[]] $Arguments = @(),
        [int] $Width = 1000,
        [int] $Height = 800,
        [int] $TimeoutSeconds = 60
    )
    $userData = Join-Path ([IO.Path]::GetTempPath()) "mm-browser-$([guid]::NewGuid().ToString('N'))"
    $null = New-Item -ItemType Directory -Path $userData
    $info = [Diagnostics.ProcessStartInfo]::new($Browser)
    # Without the background-networking flags Chromium tries to reach its update and sync services at every start.
    foreach ($argument in @('--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
            '--disable-sync', '--disable-default-apps', '--disable-extensions', '--no-first-run', '--no-default-browser-check',
            '--hide-scrollbars', '--force-color-profile=srgb', '--enable-logging=stderr', '--v=0', "--user-data-dir=$userData",
            "--window-size=$Width,$Height") + $Arguments + @([Uri]::new((Resolve-Path -LiteralPath $Page).ProviderPath).AbsoluteUri)) {
        $info.ArgumentList.Add($argument)
    }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($info)
    try {
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
            $process.Kill($true)
            throw "$Browser did not finish within $TimeoutSeconds s on $Page."
        }
        $process.WaitForExit()
        [pscustomobject]@{
            ExitCode = $process.ExitCode
            Output   = $stdout.Result
            Console  = @($stderr.Result -split "`r?`n" | Where-Object { $_ -match ':CONSOLE[:(]' })
            Log      = $stderr.Result
        }
    } finally {
        $process.Dispose()
        Remove-Item -LiteralPath $userData -Recurse -Force -ErrorAction SilentlyContinue
    }
}

# The page's DOM after the browser has loaded and laid it out, and its console messages.
function Get-RenderedPage {
    param([Parameter(Mandatory)] [string] $Browser, [Parameter(Mandatory)] [string] $Page)
    $run = Invoke-HeadlessBrowser -Browser $Browser -Page $Page -Arguments '--dump-dom'
    if ($run.ExitCode -ne 0 -or -not $run.Output) { throw "$Browser could not render $Page (exit $($run.ExitCode)): $($run.Log)" }
    [pscustomobject]@{ Dom = $run.Output; Console = $run.Console }
}

# The height in CSS pixels the page takes at this width: a copy of it with a line of script that writes the height
# into its title, rendered with --dump-dom. The page itself runs no script (its Content-Security-Policy forbids it).
function Measure-PageHeight {
    param([Parameter(Mandatory)] [string] $Browser, [Parameter(Mandatory)] [string] $Page, [int] $Width = 1000)
    $copy = Join-Path ([IO.Path]::GetTempPath()) "mm-measure-$([guid]::NewGuid().ToString('N')).html"
    try {
        $html = [IO.File]::ReadAllText((Resolve-Path -LiteralPath $Page).ProviderPath)
        $html = $html -replace '<meta http-equiv="Content-Security-Policy"[^>]*>', ''
        $probe = '<script>document.title = "height:" + Math.ceil(document.documentElement.getBoundingClientRect().height);</script>'
        [IO.File]::WriteAllText($copy, $html.Replace('</body>', "$probe</body>"))
        $run = Invoke-HeadlessBrowser -Browser $Browser -Page $copy -Width $Width -Height 600 -Arguments '--dump-dom'
        if ($run.Output -notmatch '<title>height:(\d+)</title>') { throw "Could not measure the height of $Page in $Browser`: $($run.Log)" }
        [int]$Matches[1]
    } finally { Remove-Item -LiteralPath $copy -ErrorAction SilentlyContinue }
}

# A PNG of the whole page at this width (the window is made as tall as the page).
function Save-PageScreenshot {
    param(
        [Parameter(Mandatory)] [string] $Browser,
        [Parameter(Mandatory)] [string] $Page,
        [Parameter(Mandatory)] [string] $OutFile,
        [int] $Width = 1000,
        [double] $Scale = 1
    )
    $height = Measure-PageHeight -Browser $Browser -Page $Page -Width $Width
    $target = [IO.Path]::GetFullPath($OutFile)
    $run = Invoke-HeadlessBrowser -Browser $Browser -Page $Page -Width $Width -Height $height `
        -Arguments "--screenshot=$target", "--force-device-scale-factor=$([string]::Format([Globalization.CultureInfo]::InvariantCulture, '{0}', $Scale))"
    if ($run.ExitCode -ne 0 -or -not (Test-Path -LiteralPath $target)) { throw "$Browser took no screenshot of $Page (exit $($run.ExitCode)): $($run.Log)" }
    [pscustomobject]@{ Path = $target; Width = $Width; Height = $height; Console = $run.Console }
}

# The page printed to PDF as the browser prints it (the page's own @page size and margins, no header or footer).
function Save-PagePdf {
    param([Parameter(Mandatory)] [string] $Browser, [Parameter(Mandatory)] [string] $Page, [Parameter(Mandatory)] [string] $OutFile)
    $target = [IO.Path]::GetFullPath($OutFile)
    $run = Invoke-HeadlessBrowser -Browser $Browser -Page $Page -Arguments "--print-to-pdf=$target", '--no-pdf-header-footer'
    if ($run.ExitCode -ne 0 -or -not (Test-Path -LiteralPath $target)) { throw "$Browser printed no PDF of $Page (exit $($run.ExitCode)): $($run.Log)" }
    [pscustomobject]@{ Path = $target; Console = $run.Console }
}

Export-ModuleMember -Function Find-HeadlessBrowser, Get-HeadlessBrowserHint, Invoke-HeadlessBrowser, Get-RenderedPage, Measure-PageHeight,
    Save-PageScreenshot, Save-PagePdf

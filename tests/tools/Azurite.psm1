# Azurite, Microsoft's Azure Storage emulator (npm package, version pinned in azurite/package-lock.json): installed into
# out/tools/azurite on first use and started on a free loopback port for the tests and benches of state kept in Azure
# Storage. Real HTTP to a real storage service, on a machine with nothing but Node.js.

# Azurite's well-known development account (documented by Microsoft; not a secret).
$script:AccountName = 'devstoreaccount1'
$script:AccountKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

function Install-Azurite {
    <# Installs Azurite with npm ci (once per lock file) and returns the path of its blob service's script. #>
    param([Parameter(Mandatory)] [string] $Destination)
    foreach ($tool in 'node', 'npm') {
        if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) {
            throw "The Azure Storage tests run against Azurite, which needs Node.js 20 or later with npm: '$tool' is not on PATH. " +
                  'Install Node.js (https://nodejs.org, or apt-get install nodejs npm, or winget install OpenJS.NodeJS.LTS), then run the tests again.'
        }
    }
    $source = Join-Path $PSScriptRoot 'azurite'
    $lock = Join-Path $source 'package-lock.json'
    $stamp = Join-Path $Destination '.lock-hash'
    $hash = (Get-FileHash $lock -Algorithm SHA256).Hash
    $script = Join-Path $Destination 'node_modules/azurite/dist/src/blob/main.js'
    if (-not ((Test-Path $script) -and (Test-Path $stamp) -and (Get-Content $stamp -Raw).Trim() -eq $hash)) {
        Write-Host "Installing Azurite (npm ci into $Destination)..." -ForegroundColor Cyan
        $null = New-Item -ItemType Directory -Force -Path $Destination
        Copy-Item (Join-Path $source 'package.json'), $lock $Destination -Force
        Push-Location $Destination
        try {
            $output = & npm ci --no-audit --no-fund --loglevel=error 2>&1
            if ($LASTEXITCODE -ne 0) { throw "npm ci for Azurite failed (exit $LASTEXITCODE): $($output -join [Environment]::NewLine)" }
        } finally { Pop-Location }
        if (-not (Test-Path $script)) { throw "npm ci finished but $script is missing." }
        Set-Content $stamp $hash
    }
    $script
}

function Get-FreePort {
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Start-Azurite {
    <#
    Starts Azurite's blob service on a free port (or -Port) with its data in -Location, and waits until it answers.
    Returns Port, Endpoint, ConnectionString, Process and Location; Stop-Azurite ends it.
    #>
    param(
        [Parameter(Mandatory)] [string] $Script,
        [Parameter(Mandatory)] [string] $Location,
        [int] $Port = 0
    )
    if ($Port -eq 0) { $Port = Get-FreePort }
    $null = New-Item -ItemType Directory -Force -Path $Location
    $start = [Diagnostics.ProcessStartInfo]::new((Get-Command node).Source)
    foreach ($a in @($Script, '--blobHost', '127.0.0.1', '--blobPort', "$Port", '--location', $Location, '--silent', '--skipApiVersionCheck', '--loose', '--disableTelemetry')) {
        $start.ArgumentList.Add($a)
    }
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($start)
    # Drained so that a chatty emulator never blocks on a full pipe.
    $null = $process.StandardOutput.ReadToEndAsync()
    $errors = $process.StandardError.ReadToEndAsync()
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while ($true) {
        if ($process.HasExited) { throw "Azurite exited at start (code $($process.ExitCode)): $($errors.Result)" }
        $client = [Net.Sockets.TcpClient]::new()
        try { $client.Connect('127.0.0.1', $Port); break } catch { } finally { $client.Dispose() }
        if ([DateTime]::UtcNow -gt $deadline) { $process.Kill(); throw "Azurite did not listen on port $Port within 60 seconds." }
        Start-Sleep -Milliseconds 200
    }
    $endpoint = "http://127.0.0.1:$Port/$AccountName"
    [pscustomobject]@{
        Port = $Port
        Endpoint = $endpoint
        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=$AccountName;AccountKey=$AccountKey;BlobEndpoint=$endpoint;"
        Process = $process
        Location = $Location
        Script = $Script
    }
}

function Stop-Azurite {
    param([Parameter(Mandatory)] $Azurite)
    if (-not $Azurite.Process.HasExited) {
        $Azurite.Process.Kill($true)
        $null = $Azurite.Process.WaitForExit(10000)
    }
}

Export-ModuleMember -Function Install-Azurite, Start-Azurite, Stop-Azurite, Get-FreePort

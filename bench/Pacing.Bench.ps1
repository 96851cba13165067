<#
.SYNOPSIS
    Pacing at Meta's limits, whatever the latency: the rate from the first second, and no second above it.
.DESCRIPTION
    The sends go to a small HTTP server of the bench's own (not the module's emulator), in a pwsh process of its own.
    It stamps each request with the time its first bytes arrive, before anything else is done with it, then answers
    an acceptance after a fixed latency. The figures come from those stamps:
      - the mean rate: requests per second from the first arrival to the last;
      - the first second: arrivals within a second of the first (the ramp);
      - the worst second: the most arrivals within any one second (a window sliding over every arrival).
    Targets (each printed; exit 1 when one is missed):
      - 250 ms of latency, -MessagesPerSecond 1000, default -ThrottleLimit: 4,000 messages at >= 950 msg/s (the
        first seconds count) and 10,000 at >= 950 msg/s; no second above 1,050 (the rate + 5 %) in either;
      - 50 ms of latency, -MessagesPerSecond 80, 800 messages: no second above 84 (the rate + 5 %).
    The cmdlet's own rate (messages over its whole run, the last answers' latency included) is printed beside them.
#>
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
# Child processes run elsewhere: they get the module's full path.
$ModulePath = (Resolve-Path $ModulePath).ProviderPath
$work = Join-Path ([IO.Path]::GetTempPath()) "mm-pacing-$PID"
$null = New-Item -ItemType Directory -Force $work
$pwsh = [Environment]::ProcessPath
$prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
$key = 'pacing' + [guid]::NewGuid().ToString('N')
$ready = Join-Path $work 'ready'
$stopFile = Join-Path $work 'stop'

# The counting server: HTTP/1.1 with keep-alive over raw sockets, so that a request is stamped when its first bytes
# are read, not after a framework has parsed and dispatched it. Socket completions run on the runtime's socket thread
# itself (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS), not behind whatever the thread pool has queued, and the
# process runs at high priority (below). Each server first answers a request of its own (not counted), so that no
# stamp waits for the JIT.
$server = @'
using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;

public sealed class ArrivalServer
{
    private const string Answer = "{\"messaging_product\":\"whatsapp\",\"messages\":[{\"id\":\"wamid.bench\",\"message_status\":\"accepted\"}]}";
    private static readonly byte[] Response = Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + Answer.Length + "\r\n\r\n" + Answer);
    private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
    private readonly TimeSpan _latency;
    private readonly ConcurrentQueue<long> _arrivals = new ConcurrentQueue<long>();

    public ArrivalServer(int latencyMilliseconds)
    {
        _latency = TimeSpan.FromMilliseconds(latencyMilliseconds);
        _listener.Start(4096);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        Task.Run(AcceptAsync);
        using (var client = new TcpClient())
        {
            client.Connect(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            var get = Encoding.ASCII.GetBytes("GET /warm-up HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            stream.Write(get, 0, get.Length);
            while (stream.Read(new byte[4096], 0, 4096) > 0) { }
        }
    }

    public int Port { get; private set; }

    /// <summary>Arrival times of the POSTs, in TimeSpan ticks of one monotonic clock, sorted.</summary>
    public long[] Arrivals() { var a = _arrivals.ToArray(); Array.Sort(a); return a; }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket socket;
            try { socket = await _listener.AcceptSocketAsync(); } catch (SocketException) { return; } catch (ObjectDisposedException) { return; }
            socket.NoDelay = true;
            var serving = ServeAsync(socket);
        }
    }

    private static long Now() { return (long)(Stopwatch.GetTimestamp() * ((double)TimeSpan.TicksPerSecond / Stopwatch.Frequency)); }

    private async Task ServeAsync(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        var have = 0;
        var close = false;
        try
        {
            while (!close)
            {
                // A request whose bytes came with the previous one's arrived then; otherwise at its first read.
                var arrived = have > 0 ? Now() : 0;
                int end;
                while ((end = HeaderEnd(buffer, have)) < 0)
                {
                    var n = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, have, buffer.Length - have), SocketFlags.None);
                    if (n == 0) return;
                    if (have == 0) arrived = Now();
                    have += n;
                }
                var head = Encoding.ASCII.GetString(buffer, 0, end);
                var length = 0;
                foreach (var line in head.Split(new[] { "\r\n" }, StringSplitOptions.None))
                {
                    if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) length = int.Parse(line.Substring(15).Trim());
                    if (line.StartsWith("Connection: close", StringComparison.OrdinalIgnoreCase)) close = true;
                }
                var total = end + 4 + length;
                while (have < total)
                {
                    var n = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, have, buffer.Length - have), SocketFlags.None);
                    if (n == 0) return;
                    have += n;
                }
                if (head.StartsWith("POST ", StringComparison.Ordinal)) _arrivals.Enqueue(arrived);
                Buffer.BlockCopy(buffer, total, buffer, 0, have - total);
                have -= total;
                await Task.Delay(_latency);
                await socket.SendAsync(new ArraySegment<byte>(Response), SocketFlags.None);
            }
        }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
        finally { socket.Dispose(); }
    }

    private static int HeaderEnd(byte[] b, int count)
    {
        for (var i = 3; i < count; i++)
            if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') return i - 3;
        return -1;
    }
}
'@
$runs = @(
    @{ Name = 'slow4k'; Latency = 250 }
    @{ Name = 'slow10k'; Latency = 250 }
    @{ Name = 'fast'; Latency = 50 }
)
$script = @"
Add-Type -TypeDefinition @'
$server
'@
`$servers = [ordered]@{}
$(($runs | ForEach-Object { "`$servers['$($_.Name)'] = [ArrivalServer]::new($($_.Latency))" }) -join "`n")
Set-Content '$ready' ((`$servers.Keys | ForEach-Object { "`$_=`$(`$servers[`$_].Port)" }) -join "``n")
`$deadline = [DateTime]::UtcNow.AddMinutes(10)
while (-not (Test-Path '$stopFile') -and [DateTime]::UtcNow -lt `$deadline) { Start-Sleep -Milliseconds 100 }
foreach (`$name in `$servers.Keys) { Set-Content (Join-Path '$work' "`$name.ticks") `$servers[`$name].Arrivals() }
Set-Content (Join-Path '$work' 'done') 'done'
"@
$encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
# The runtime reads the socket setting when it starts: the child takes it from this environment, the bench does not keep it.
$env:DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS = '1'
$counter = Start-Process -FilePath $pwsh -ArgumentList (@($prefix) + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)) -PassThru `
    -RedirectStandardOutput (Join-Path $work 'server.out') -RedirectStandardError (Join-Path $work 'server.err')
Remove-Item Env:DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS
# Its stamps must not wait behind the load it measures (on a shared machine, a process can wait 100 ms and more for a
# core): it runs at high priority where the OS allows (Linux: root or CAP_SYS_NICE).
try { $counter.PriorityClass = 'High' }
catch { Write-Host "The counting server runs at normal priority ($($_.Exception.Message)): on a busy machine its stamps may bunch." }

# The most arrivals within any one second: a window sliding over the sorted arrival times.
function Get-WorstSecond([long[]] $Ticks) {
    $worst = 0; $start = 0
    for ($end = 0; $end -lt $Ticks.Count; $end++) {
        while ($Ticks[$end] - $Ticks[$start] -ge [TimeSpan]::TicksPerSecond) { $start++ }
        if ($end - $start + 1 -gt $worst) { $worst = $end - $start + 1 }
    }
    $worst
}

$results = [ordered]@{}
try {
    $deadline = [DateTime]::UtcNow.AddSeconds(120)
    while (-not (Test-Path $ready) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
    $ports = @{}
    foreach ($line in Get-Content $ready -ErrorAction Stop) { $name, $port = $line.Trim() -split '='; $ports[$name] = $port }
    Import-Module $ModulePath
    $secure = ConvertTo-SecureString $key -AsPlainText -Force
    foreach ($name in $ports.Keys) { Connect-MMAccount -ApiKey $secure -BaseUri "http://127.0.0.1:$($ports[$name])" -Name $name -SkipValidation }

    $numbers = 1..10000 | ForEach-Object { '4479{0:D8}' -f $_ }
    foreach ($run in @(@('slow4k', 4000, 1000), @('slow10k', 10000, 1000), @('fast', 800, 80))) {
        $name, $count, $rate = $run
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $sent = $numbers | Select-Object -First $count |
            Send-MarketingMessage -TemplateName welcome_offer -Account $name -MessagesPerSecond $rate -SkipTemplateCheck
        $results[$name] = @{
            Count = $count; Rate = $rate; Results = $sent.Count
            Accepted = @($sent | Where-Object Status -eq 'Accepted').Count
            CmdletRate = $sent.Count / $watch.Elapsed.TotalSeconds
        }
    }
} finally {
    Set-Content $stopFile 'stop'
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while (-not (Test-Path (Join-Path $work 'done')) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
    if (-not $counter.HasExited) { $counter.Kill() }
}

$failed = $false
foreach ($name in $results.Keys) {
    $r = $results[$name]
    $ticks = [long[]](Get-Content (Join-Path $work "$name.ticks"))
    $span = ($ticks[-1] - $ticks[0]) / [TimeSpan]::TicksPerSecond
    $mean = if ($span -gt 0) { ($ticks.Count - 1) / $span } else { 0 }
    $worst = Get-WorstSecond $ticks
    $firstSecond = @($ticks | Where-Object { $_ -lt $ticks[0] + [TimeSpan]::TicksPerSecond }).Count
    $limit = [math]::Floor($r.Rate * 1.05)
    Write-Host ('-MessagesPerSecond {0}, {1:N0} messages: {2:N0} arrived at {3:N1} msg/s, {4:N0} in the first second, worst second {5} (at most {6}); {7:N0} accepted; the cmdlet took {8:N1} msg/s over its whole run.' -f
        $r.Rate, $r.Count, $ticks.Count, $mean, $firstSecond, $worst, $limit, $r.Accepted, $r.CmdletRate)
    if ($r.Rate -eq 1000 -and $mean -lt 950) { Write-Host "MISSED: $name averaged $([math]::Round($mean)) msg/s < 950." -ForegroundColor Red; $failed = $true }
    if ($worst -gt $limit) { Write-Host "MISSED: $name had $worst arrivals in one second > $limit." -ForegroundColor Red; $failed = $true }
    if ($r.Accepted -ne $r.Count -or $ticks.Count -ne $r.Count) {
        Write-Host "MISSED: $name sent $($ticks.Count) and had $($r.Accepted) of $($r.Count) accepted." -ForegroundColor Red; $failed = $true
    }
}
Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
if ($failed) { exit 1 }

using System;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Commands.Accounts;
using Dialog360.MM.Commands.Emulator;
using Dialog360.MM.Loading;
using Dialog360.MM.Session;

namespace Dialog360.MM.Core.Tests.Commands;

/// <summary>What Remove-Module does through the module's cleanup hook, in a hosted runspace.</summary>
public class ModuleRemovalTests
{
    private static PowerShell Host()
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.Commands.Add(new SessionStateCmdletEntry("Start-MMEmulator", typeof(StartMMEmulatorCommand), null));
        iss.Commands.Add(new SessionStateCmdletEntry("Connect-MMAccount", typeof(ConnectMMAccountCommand), null));
        return PowerShell.Create(iss);
    }

    [Fact]
    public async Task Removal_stops_the_runspace_emulators_frees_their_ports_and_disposes_the_account_clients()
    {
        using var ps = Host();
        var emulator = (MMEmulator)ps.AddCommand("Start-MMEmulator").Invoke().Single().BaseObject;
        try
        {
            ps.Commands.Clear();
            ps.AddCommand("Connect-MMAccount").AddParameter("Credential", emulator.Credential).AddParameter("BaseUri", emulator.BaseUri)
                .AddParameter("Name", "removal").Invoke();
            Assert.False(ps.HadErrors);

            var client = RemoveModuleIn(ps.Runspace, "removal");

            Assert.False(emulator.IsRunning);
            var probe = new TcpListener(IPAddress.Loopback, emulator.Port);
            probe.Start(); // throws when something still listens on the port
            probe.Stop();
            // A timeout would surface as TimeoutException and fail the assertion.
            await Assert.ThrowsAnyAsync<ObjectDisposedException>(
                () => client.ListTemplatesAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        }
        finally
        {
            emulator.Emulator.Stop();
        }
    }

    // OnRemove runs on the removing runspace's thread: the same here, synchronously, before any await moves threads.
    private static ApiClient RemoveModuleIn(Runspace runspace, string accountName)
    {
        var previous = Runspace.DefaultRunspace;
        Runspace.DefaultRunspace = runspace;
        try
        {
            Assert.True(ModuleSession.Current.TryGet(accountName, out var account));
            new ModuleInitializer().OnRemove(null!);
            Assert.Empty(ModuleSession.Current.Accounts);
            return account.Client;
        }
        finally
        {
            Runspace.DefaultRunspace = previous;
        }
    }
}

using System;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Commands.Accounts;
using Dialog360.MM.Commands.Emulator;
using Dialog360.MM.Session;
using Dialog360.MM.Commands.Sending;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Campaigns;
using Dialog360.MM.Loading;

namespace Dialog360.MM.Core.Tests.Commands;

/// <summary>The cmdlets hosted in-process, as a runbook host would run them (no Utility cmdlets here: AddCommand only).</summary>
public class HostedPowerShellTests
{
    private static PowerShell Host()
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.Commands.Add(new SessionStateCmdletEntry("Start-MMEmulator", typeof(StartMMEmulatorCommand), null));
        iss.Commands.Add(new SessionStateCmdletEntry("Stop-MMEmulator", typeof(StopMMEmulatorCommand), null));
        iss.Commands.Add(new SessionStateCmdletEntry("Connect-MMAccount", typeof(ConnectMMAccountCommand), null));
        iss.Commands.Add(new SessionStateCmdletEntry("Send-MarketingMessage", typeof(SendMarketingMessageCommand), null));
        return PowerShell.Create(iss);
    }

    [Fact]
    public void A_hosted_runspace_connects_to_the_emulator_and_sends()
    {
        using var ps = Host();
        var emulator = (MMEmulator)ps.AddCommand("Start-MMEmulator").Invoke().Single().BaseObject;
        try
        {
            ps.Commands.Clear();
            ps.AddCommand("Connect-MMAccount").AddParameter("Credential", emulator.Credential).AddParameter("BaseUri", emulator.BaseUri).Invoke();
            ps.Commands.Clear();
            var results = ps.AddCommand("Send-MarketingMessage").AddParameter("TemplateName", "welcome_offer")
                .Invoke(new[] { "+44 7911 000001", "447911000002" })
                .Select(o => (MMSendResult)o.BaseObject).ToList();
            Assert.False(ps.HadErrors);
            Assert.Equal(new[] { "447911000001", "447911000002" }, results.Select(r => r.To).OrderBy(t => t));
            Assert.All(results, r => Assert.Equal(SendStatus.Accepted, r.Status));
            Assert.Equal(1, emulator.AcceptedCount("447911000002"));
        }
        finally
        {
            emulator.Emulator.Stop();
        }
    }

    [Fact]
    public void Stopping_the_pipeline_stops_dispatching_and_journals_every_request_already_sent()
    {
        using var ps = Host();
        var emulator = (MMEmulator)ps.AddCommand("Start-MMEmulator").AddParameter("Latency", TimeSpan.FromMilliseconds(300)).Invoke().Single().BaseObject;
        var journal = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "stop-" + Guid.NewGuid().ToString("N") + ".jsonl");
        try
        {
            ps.Commands.Clear();
            ps.AddCommand("Connect-MMAccount").AddParameter("Credential", emulator.Credential).AddParameter("BaseUri", emulator.BaseUri).Invoke();
            ps.Commands.Clear();
            var numbers = new PSDataCollection<string>(Enumerable.Range(1, 200).Select(i => $"447911{i:D6}"));
            numbers.Complete();
            ps.AddCommand("Send-MarketingMessage").AddParameter("TemplateName", "welcome_offer").AddParameter("SkipTemplateCheck")
                .AddParameter("JournalPath", journal).AddParameter("ThrottleLimit", 4).AddParameter("MessagesPerSecond", 100);
            var running = ps.BeginInvoke(numbers);
            System.Threading.Thread.Sleep(1000);
            ps.Stop();
            Assert.Throws<PipelineStoppedException>(() => ps.EndInvoke(running));

            var lines = System.IO.File.ReadAllLines(journal);
            var intents = lines.Count(l => l.Contains("\"kind\":\"intent\""));
            var outcomes = lines.Count(l => l.Contains("\"kind\":\"outcome\""));
            Assert.InRange(intents, 1, 199);
            Assert.Equal(intents, outcomes);
            Assert.Equal(emulator.AcceptedByRecipient.Count, lines.Count(l => l.Contains("\"status\":\"Accepted\"")));
        }
        finally
        {
            emulator.Emulator.Stop();
            System.IO.File.Delete(journal);
        }
    }

    [Fact]
    public void WhatIf_sends_nothing_in_a_hosted_runspace()
    {
        using var ps = Host();
        var emulator = (MMEmulator)ps.AddCommand("Start-MMEmulator").Invoke().Single().BaseObject;
        try
        {
            ps.Commands.Clear();
            ps.AddCommand("Connect-MMAccount").AddParameter("Credential", emulator.Credential).AddParameter("BaseUri", emulator.BaseUri)
                .AddParameter("SkipValidation").Invoke();
            ps.Commands.Clear();
            var output = ps.AddCommand("Send-MarketingMessage").AddParameter("To", "447911000001").AddParameter("TemplateName", "welcome_offer")
                .AddParameter("WhatIf").Invoke();
            Assert.Empty(output);
            Assert.DoesNotContain(emulator.Requests, r => r.Method == "POST");
        }
        finally
        {
            emulator.Emulator.Stop();
        }
    }

    /// <summary>What Remove-Module does through the module's cleanup hook.</summary>
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

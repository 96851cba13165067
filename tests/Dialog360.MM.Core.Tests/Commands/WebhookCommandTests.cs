using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Dialog360.MM.Commands.Webhooks;
using Dialog360.MM.Session;
using Dialog360.MM.Core.Reporting;

namespace Dialog360.MM.Core.Tests.Commands;

/// <summary>The webhook cmdlets hosted in-process, as a runbook host runs them (no Utility cmdlets: AddCommand only).</summary>
public class WebhookCommandTests
{
    private static PowerShell Host()
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.Commands.Add(new SessionStateCmdletEntry("ConvertFrom-MMWebhook", typeof(ConvertFromMMWebhookCommand), null));
        iss.Commands.Add(new SessionStateCmdletEntry("Measure-MMCampaign", typeof(MeasureMMCampaignCommand), null));
        iss.Commands.Add(new SessionStateCmdletEntry("Start-MMWebhookReceiver", typeof(StartMMWebhookReceiverCommand), null));
        iss.Commands.Add(new SessionStateCmdletEntry("Stop-MMWebhookReceiver", typeof(StopMMWebhookReceiverCommand), null));
        return PowerShell.Create(iss);
    }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "webhooks", name);

    [Fact]
    public void A_file_flows_into_the_funnel_and_the_half_line_is_a_non_terminating_error()
    {
        using var ps = Host();
        var rows = ps.AddCommand("ConvertFrom-MMWebhook").AddParameter("LiteralPath", Fixture("campaign.jsonl"))
            .AddCommand("Measure-MMCampaign").AddParameter("GroupBy", "CallbackData")
            .Invoke().Select(o => (MMCampaignSummary)o.BaseObject).ToDictionary(r => r.Campaign);
        var error = Assert.Single(ps.Streams.Error);
        Assert.Equal("InvalidWebhookJson,Dialog360.MM.Commands.Webhooks.ConvertFromMMWebhookCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Equal((2, 1, 1), (rows["spring"].Sent, rows["spring"].Delivered, rows["spring"].Failed));
        Assert.Equal(2, rows["(unattributed clicks)"].Clicked);
    }

    [Fact]
    public void Measure_MMCampaign_shows_progress_file_by_file_when_it_reads_several()
    {
        using var ps = Host();
        var row = (MMCampaignSummary)ps.AddCommand("Measure-MMCampaign")
            .AddParameter("LiteralPath", new[] { Fixture("status-sent-marketing-lite.json"), Fixture("status-failed.json") })
            .Invoke().Single().BaseObject;
        Assert.Equal(2, row.Messages);
        var progress = ps.Streams.Progress.ToList();
        Assert.Equal(new[] { "File 1 of 2: status-sent-marketing-lite.json", "File 2 of 2: status-failed.json" },
            progress.Where(p => p.RecordType == ProgressRecordType.Processing).Select(p => p.StatusDescription));
        Assert.Equal(0, progress[0].PercentComplete);
        Assert.InRange(progress[1].PercentComplete, 1, 99);
        Assert.Equal(ProgressRecordType.Completed, progress.Last().RecordType);

        ps.Commands.Clear();
        ps.Streams.Progress.Clear();
        ps.AddCommand("Measure-MMCampaign").AddParameter("LiteralPath", Fixture("status-failed.json")).Invoke();
        Assert.Empty(ps.Streams.Progress);
    }

    [Fact]
    public void Receivers_are_kept_per_runspace_and_stopped_by_Stop_MMWebhookReceiver()
    {
        var file = Path.Combine(Path.GetTempPath(), $"mm-hosted-{Guid.NewGuid():N}.jsonl");
        try
        {
            using var ps = Host();
            var receiver = (MMWebhookReceiver)ps.AddCommand("Start-MMWebhookReceiver").AddParameter("Path", file)
                .AddParameter("WarningAction", ActionPreference.SilentlyContinue).Invoke().Single().BaseObject;
            Assert.True(receiver.IsRunning);
            Assert.Equal(file, receiver.Path);

            using (var other = Host())
            {
                other.AddCommand("Stop-MMWebhookReceiver").Invoke();
                Assert.True(receiver.IsRunning); // another runspace has its own receivers
            }

            ps.Commands.Clear();
            ps.AddCommand("Stop-MMWebhookReceiver").Invoke();
            Assert.False(receiver.IsRunning);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

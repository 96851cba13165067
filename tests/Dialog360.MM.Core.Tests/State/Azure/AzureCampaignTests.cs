using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Campaigns;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.State;
using Dialog360.MM.Emulator;
using Dialog360.MM.Storage.Azure;

namespace Dialog360.MM.Core.Tests.State.Azure;

/// <summary>Whole campaigns whose state is in a storage container, each job on a "machine" of its own (a store object
/// that shares nothing with the last one but the container).</summary>
public sealed class AzureCampaignTests : IDisposable
{
    private readonly List<IDisposable> _owned = new();

    public void Dispose()
    {
        foreach (var d in Enumerable.Reverse(_owned)) d.Dispose();
    }

    private (MarketingApiEmulator Emulator, ApiClient Client) Api(EmulatorOptions? options = null)
    {
        var emulator = new MarketingApiEmulator(options ?? new EmulatorOptions());
        emulator.Start();
        _owned.Add(emulator);
        var client = new ApiClient(emulator.BaseUri, ApiKey.FromPlainText(emulator.ApiKey));
        _owned.Add(client);
        return (emulator, client);
    }

    private static CampaignSettings Settings(ApiClient client, IStateStore state, string? journal, string? list) => new()
    {
        TemplateName = "welcome_offer",
        ListTemplates = token => client.ListTemplatesAsync(token),
        Engine = new CampaignOptions { MessagesPerSecond = 500, RetryBaseDelay = TimeSpan.FromMilliseconds(5) },
        State = state,
        JournalPath = journal,
        SuppressionPath = list,
    };

    private static List<MMSendResult> Run(CampaignSettings settings, ApiClient client, IEnumerable<string> numbers)
    {
        using var campaign = Campaign.Start(settings, client, CancellationToken.None);
        var content = new MessageContent { TemplateName = "welcome_offer" };
        var events = campaign.Pending().ToList();
        foreach (var to in numbers) events.AddRange(campaign.Add(to, null, "welcome_offer", () => content, (_, _) => true));
        events.AddRange(campaign.Complete());
        Assert.DoesNotContain(events, e => e.Kind == CampaignEventKind.Fatal);
        return events.Where(e => e.Kind == CampaignEventKind.Result).Select(e => e.Result!).ToList();
    }

    private static IEnumerable<string> Numbers(int count) => Enumerable.Range(1, count).Select(i => $"+4477009{i:D5}");

    [Fact]
    public void A_job_stopped_part_way_is_finished_by_the_next_job_on_another_machine_and_nobody_gets_two()
    {
        var (emulator, client) = Api();
        var container = Azurite.NewContainer();
        var first = Run(Settings(client, new AzureStateStore(container, TimeProvider.System), "weekly", null), client, Numbers(40).Take(15));
        Assert.All(first, r => Assert.Equal(SendStatus.Accepted, r.Status));

        var next = Run(Settings(client, new AzureStateStore(container, TimeProvider.System), "weekly", null), client, Numbers(40));
        Assert.Equal(15, next.Count(r => r.Status == SendStatus.Skipped));
        Assert.Equal(25, next.Count(r => r.Status == SendStatus.Accepted));
        Assert.Equal(40, emulator.Accepted);
        Assert.All(Numbers(40), n => Assert.Equal(1, emulator.AcceptedCount(n.TrimStart('+'))));
    }

    [Fact]
    public void A_stop_one_job_learns_holds_back_that_person_in_every_other_job_that_shares_the_list()
    {
        var (emulator, client) = Api(new EmulatorOptions { FailRecipients = { ["447700900003"] = 131050 } });
        var container = Azurite.NewContainer();
        var numberA = Run(Settings(client, new AzureStateStore(container, TimeProvider.System), "number-a", "optouts"), client, Numbers(5));
        Assert.Equal("131050", numberA.Single(r => r.To == "447700900003").ErrorCode);

        // Another sending number's job, on another worker: its own journal, the same list.
        var numberB = Run(Settings(client, new AzureStateStore(container, TimeProvider.System), "number-b", "optouts"), client, Numbers(5));
        Assert.Equal(SendStatus.Suppressed, numberB.Single(r => r.To == "447700900003").Status);
        Assert.Equal(4, numberB.Count(r => r.Status == SendStatus.Accepted));
        Assert.Equal(0, emulator.AcceptedCount("447700900003"));
    }

    [Fact]
    public void A_journal_of_another_campaign_is_refused_before_anything_is_sent()
    {
        var (emulator, client) = Api();
        var store = new AzureStateStore(Azurite.NewContainer(), TimeProvider.System);
        Run(Settings(client, store, "weekly", null), client, Numbers(2));
        var other = Settings(client, store, "weekly", null);
        other.TemplateName = "spring_sale";
        var refused = Assert.Throws<CampaignStartException>(() => Campaign.Start(other, client, CancellationToken.None));
        Assert.Equal(CampaignReason.JournalMismatch, refused.Reason);
        Assert.Equal(2, emulator.Accepted);
    }
}

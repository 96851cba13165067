using System;
using System.IO;
using System.Linq;
using Dialog360.MM.Core.Campaigns;
using Dialog360.MM.Core.State;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.Time;
using Microsoft.Extensions.Time.Testing;

namespace Dialog360.MM.Core.Tests.Campaigns;

public sealed class RecipientGateTests : IDisposable
{
    private static readonly CampaignIdentity Spring = new("spring_sale", "en", "MarketingMessages", "****abcd");
    private static readonly DateTimeOffset Noon = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly string _path = Path.Combine(Path.GetTempPath(), "gate-" + Guid.NewGuid().ToString("N") + ".journal");

    public void Dispose()
    {
        File.Delete(_path);
        File.Delete(_path + ".lock");
    }

    private static TemplateMessage Message(string to) => new(to, "spring_sale");

    private static string[] Keys(string to) => new[] { to };

    private static JournalOutcome Outcome(string to, SendStatus status, string? code = null, DateTimeOffset? notBefore = null) =>
        new MMSendResult { To = to, Status = status, TemplateName = "spring_sale", ErrorCode = code, NotBefore = notBefore, Attempts = 1 }.ToJournal();

    [Fact]
    public void A_number_repeated_in_the_input_is_sent_once()
    {
        var gate = new RecipientGate(new GateOptions { Time = new FakeTimeProvider(Noon) });
        Assert.Equal(GateVerdict.Send, gate.Decide(Message("447911000001"), Keys("447911000001")).Verdict);
        var again = gate.Decide(Message("447911000001"), Keys("447911000001"));
        Assert.Equal(GateVerdict.Settled, again.Verdict);
        Assert.Equal(SendStatus.Skipped, again.Result!.Status);
        Assert.Equal("Duplicate", again.Result.ErrorCode);
        // Another template to the same number is another campaign's message.
        Assert.Equal(GateVerdict.Send, gate.Decide(new TemplateMessage("447911000001", "autumn_sale"), Keys("447911000001")).Verdict);
    }

    [Fact]
    public void The_journal_skips_the_accepted_holds_back_the_in_doubt_and_the_hopeless_and_resends_the_rest()
    {
        using (var journal = SendJournal.Open(_path))
        {
            journal.Claim(Spring);
            journal.WriteOutcome(Outcome("447911000441", SendStatus.Accepted));
            journal.WriteIntent("447911000442", null, "spring_sale");
            journal.WriteOutcome(Outcome("447911000443", SendStatus.Failed, "131050"));
            journal.WriteOutcome(Outcome("447911000444", SendStatus.Failed, "131049", Noon.AddHours(20)));
            journal.WriteOutcome(Outcome("447911000445", SendStatus.Failed, "131049", Noon.AddHours(-1)));
            journal.WriteOutcome(Outcome("447911000446", SendStatus.Failed, "132000"));
        }
        using var reopened = SendJournal.Open(_path);
        var gate = new RecipientGate(new GateOptions { Journal = reopened, Time = new FakeTimeProvider(Noon) });
        Assert.Equal(SendStatus.Skipped, gate.Decide(Message("447911000441"), Keys("447911000441")).Result!.Status);
        Assert.Equal(GateVerdict.InDoubt, gate.Decide(Message("447911000442"), Keys("447911000442")).Verdict);
        var optedOut = gate.Decide(Message("447911000443"), Keys("447911000443")).Result!;
        Assert.Equal(SendStatus.Skipped, optedOut.Status);
        Assert.Equal("131050", optedOut.ErrorCode);
        Assert.Contains("-RetryFailed", optedOut.ErrorMessage);
        var capped = gate.Decide(Message("447911000444"), Keys("447911000444")).Result!;
        Assert.Equal(SendStatus.Deferred, capped.Status);
        Assert.Equal(Noon.AddHours(20), capped.NotBefore);
        Assert.Equal(GateVerdict.Send, gate.Decide(Message("447911000445"), Keys("447911000445")).Verdict);
        Assert.Equal(GateVerdict.Send, gate.Decide(Message("447911000446"), Keys("447911000446")).Verdict);

        var insistent = new RecipientGate(new GateOptions { Journal = reopened, Time = new FakeTimeProvider(Noon), RetryUnknown = true, RetryFailed = true });
        Assert.Equal(GateVerdict.Send, insistent.Decide(Message("447911000442"), Keys("447911000442")).Verdict);
        Assert.Equal(GateVerdict.Send, insistent.Decide(Message("447911000443"), Keys("447911000443")).Verdict);
        Assert.Equal(GateVerdict.Send, insistent.Decide(Message("447911000444"), Keys("447911000444")).Verdict);
        Assert.Equal(SendStatus.Skipped, insistent.Decide(Message("447911000441"), Keys("447911000441")).Result!.Status);
    }

    [Fact]
    public void A_suppressed_number_is_not_sent_and_the_reason_is_kept()
    {
        var gate = new RecipientGate(new GateOptions { Time = new FakeTimeProvider(Noon), Suppressed = (m, _) => m.To == "447911000441" ? "stop (webhook, 2026-11-20)" : null });
        var result = gate.Decide(Message("447911000441"), Keys("447911000441")).Result!;
        Assert.Equal(SendStatus.Suppressed, result.Status);
        Assert.Equal("stop (webhook, 2026-11-20)", result.ErrorMessage);
        Assert.Equal(GateVerdict.Send, gate.Decide(Message("447911000442"), Keys("447911000442")).Verdict);
    }

    [Fact]
    public void Outside_the_recipients_window_a_send_is_deferred_to_its_opening_and_journaled()
    {
        var window = SendWindow.Parse("09:00-20:00");
        var night = new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero); // 03:00 in London (GMT in November)
        using (var journal = SendJournal.Open(_path))
        {
            var gate = new RecipientGate(new GateOptions { Journal = journal, Window = window, Time = new FakeTimeProvider(night) });
            var deferred = gate.Decide(Message("447911000001"), Keys("447911000001")).Result!;
            Assert.Equal(SendStatus.Deferred, deferred.Status);
            Assert.Equal(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero), deferred.NotBefore);
        }
        Assert.Contains("\"kind\":\"deferred\",\"to\":\"447911000001\"", File.ReadAllText(_path));
        using var reopened = SendJournal.Open(_path);
        // The scheduled task's next run, once the window is open, sends it.
        var morning = new RecipientGate(new GateOptions { Journal = reopened, Window = window, Time = new FakeTimeProvider(night.AddHours(7)) });
        Assert.Equal(GateVerdict.Send, morning.Decide(Message("447911000001"), Keys("447911000001")).Verdict);
    }

    [Fact]
    public void A_window_is_read_in_each_recipients_own_zone()
    {
        var window = SendWindow.Parse("09:00-20:00");
        var at = new DateTimeOffset(2026, 11, 25, 15, 0, 0, TimeSpan.Zero); // London 15:00, New York 10:00, Tokyo 00:00
        Assert.Equal(at, window.NextOpening("447911000001", at));
        Assert.Equal(at, window.NextOpening("12125550123", at));
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero), window.NextOpening("81312345678", at)); // Tokyo 09:00
        // -TimeZone forces one zone for everybody.
        var forced = SendWindow.Parse("09:00-20:00", SendWindow.FindZone("Asia/Tokyo"));
        Assert.NotEqual(at, forced.NextOpening("447911000001", at));
    }

    [Fact]
    public void A_number_spanning_several_zones_waits_until_the_window_is_open_in_all()
    {
        // +61 4 mobiles map to every Australian zone, Cocos (UTC+6:30) to Lord Howe (UTC+11 in November): 09:00 in
        // Cocos is 02:30 UTC, and Lord Howe is still before 20:00 then.
        var window = SendWindow.Parse("09:00-20:00");
        var midnight = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(midnight.AddHours(2.5), window.NextOpening("61412345678", midnight));
        // +7 mobiles span ten hours (Europe/Bucharest to Asia/Anadyr, libphonenumber's map): 09:00-18:00 never fits.
        var error = Assert.Throws<MessageValidationException>(() => SendWindow.Parse("09:00-18:00").NextOpening("79161234567", Noon));
        Assert.Equal("SendWindowNeverOpen", error.Reason);
        Assert.Contains("-TimeZone", error.Message);
        // A window that runs past midnight is one window.
        var late = SendWindow.Parse("20:00-02:00");
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 20, 0, 0, TimeSpan.Zero), late.NextOpening("447911000001", Noon));
        Assert.Equal(Noon.AddHours(13), late.NextOpening("447911000001", Noon.AddHours(13)));
    }

    [Theory]
    [InlineData("9-20")]
    [InlineData("09:00")]
    [InlineData("09:00-09:00")]
    [InlineData("25:00-26:00")]
    public void A_window_that_is_not_two_times_of_day_is_refused_with_the_fix(string text)
    {
        var error = Assert.Throws<MessageValidationException>(() => SendWindow.Parse(text));
        Assert.Equal("InvalidSendWindow", error.Reason);
        Assert.Contains("'09:00-20:00'", error.Message);
    }
}

public class WindowWaitTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 7, 0, 0, TimeSpan.Zero);

    private static MMSendResult Deferred(string to, DateTimeOffset opening) =>
        new() { To = to, TemplateName = "t", Status = SendStatus.Deferred, ErrorCode = RecipientGate.OutsideSendWindow, NotBefore = opening };

    [Fact]
    public void Keeps_who_opens_before_the_limit_and_hands_them_back_in_opening_order_when_due()
    {
        var wait = new WindowWait(Now.AddHours(2));
        var late = Deferred("447911000003", Now.AddHours(3));
        Assert.False(wait.CanHold(late));
        Assert.False(wait.CanHold(new MMSendResult { Status = SendStatus.Deferred, ErrorCode = "131049", NotBefore = Now.AddMinutes(1) }));
        wait.Hold(Deferred("447911000002", Now.AddHours(1)), new TemplateMessage("447911000002", "t"), "b");
        wait.Hold(Deferred("447911000001", Now.AddMinutes(30)), new TemplateMessage("447911000001", "t"), "a");
        Assert.Equal(2, wait.Count);
        Assert.Equal(Now.AddMinutes(30), wait.NextOpening);
        Assert.Equal(Now.AddHours(1), wait.LastOpening);
        Assert.Empty(wait.TakeDue(Now));
        Assert.Equal(new[] { "a" }, wait.TakeDue(Now.AddMinutes(45)).Select(d => d.Input));
        Assert.Equal(new[] { "b" }, wait.TakeDue(Now.AddHours(5)).Select(d => d.Input));
        Assert.Null(wait.NextOpening);
        Assert.Throws<ArgumentException>(() => wait.Hold(late, new TemplateMessage("447911000003", "t"), "c"));
    }

    [Fact]
    public void Only_a_refused_key_or_missing_terms_stop_the_run()
    {
        var result = new MMSendResult { To = "447911000001", Status = SendStatus.Failed };
        Assert.True(new CampaignOutcome(result, new Dialog360.MM.Core.Api.ApiException(401, null, "Invalid api token."), "x").StopsTheRun);
        Assert.True(new CampaignOutcome(result, new Dialog360.MM.Core.Api.ApiException(403, 131055, "(#200) You must accept the Marketing Messages Lite API terms to use the API."), "x").StopsTheRun);
        Assert.False(new CampaignOutcome(result, new Dialog360.MM.Core.Api.ApiException(400, 131050, "Stopped marketing"), "x").StopsTheRun);
        Assert.False(new CampaignOutcome(result, null, "x").StopsTheRun);
    }
}

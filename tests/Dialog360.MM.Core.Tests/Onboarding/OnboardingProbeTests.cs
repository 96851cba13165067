using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Emulator;
using Dialog360.MM.Core.Onboarding;

namespace Dialog360.MM.Core.Tests.Onboarding;

public class OnboardingProbeTests
{
    private static MMOnboardingStatus Classify(int status, string body)
    {
        var result = new MMOnboardingStatus { Account = "a" };
        OnboardingProbe.Classify(ApiErrorParser.Parse(status, body), result);
        return result;
    }

    [Fact]
    public void The_terms_error_means_not_onboarded_with_the_fix()
    {
        var s = Classify(403, "{\"detail\":{\"error\":{\"message\":\"(#200) You must accept the Marketing Messages Lite API terms before sending messages using this API\",\"code\":200}}}");
        Assert.Equal(OnboardingState.NotOnboarded, s.Status);
        Assert.False(s.IsOnboarded);
        Assert.Contains("Business Manager", s.FixHint);
        Assert.Contains("WhatsApp Manager", s.FixHint);
        Assert.Contains("Marketing Messages Lite API terms", s.Reason);
    }

    [Fact]
    public void The_terms_error_with_code_131055_is_not_onboarded_too() =>
        Assert.Equal(OnboardingState.NotOnboarded, Classify(400,
            "{\"detail\":{\"error\":{\"message\":\"(#200) You must accept the Marketing Messages Lite API terms to use the API.\",\"code\":131055}}}").Status);

    [Fact]
    public void A_missing_template_means_the_request_passed_the_terms_check()
    {
        var s = Classify(400, "{\"detail\":{\"error\":{\"message\":\"(#132001) Template name does not exist in the translation\",\"code\":132001}}}");
        Assert.Equal(OnboardingState.Onboarded, s.Status);
        Assert.True(s.IsOnboarded);
    }

    [Theory]
    [InlineData(131031)]
    [InlineData(368)]
    [InlineData(131042)]
    public void A_restricted_locked_or_unpaid_account_is_ineligible(int code)
    {
        var s = Classify(400, $"{{\"error\":{{\"message\":\"(#{code}) Blocked\",\"code\":{code}}}}}");
        Assert.Equal(OnboardingState.Ineligible, s.Status);
        Assert.Contains("eligibility", s.FixHint);
    }

    [Fact]
    public void A_refused_key_is_KeyInvalid() =>
        Assert.Equal(OnboardingState.KeyInvalid, Classify(401, "{\"error\":\"Invalid api token.\"}").Status);

    [Fact]
    public void Anything_else_is_Unknown_and_quotes_the_API()
    {
        var s = Classify(400, "{\"error\":{\"message\":\"(#131000) Something went wrong\",\"code\":131000}}");
        Assert.Equal(OnboardingState.Unknown, s.Status);
        Assert.Contains("Something went wrong", s.Reason);
    }

    [Fact]
    public async Task The_probe_cannot_deliver_anything_and_no_answer_is_Unknown()
    {
        using var emulator = new MarketingApiEmulator(new EmulatorOptions { ApiKey = "k" });
        emulator.Start();
        using var client = new ApiClient(emulator.BaseUri, ApiKey.FromPlainText("k"));
        var onboarded = await OnboardingProbe.CheckAsync(client, "shop", CancellationToken.None);
        Assert.Equal(OnboardingState.Onboarded, onboarded.Status);
        Assert.Equal(0, emulator.AcceptedCount(OnboardingProbe.ProbeRecipient));
        Assert.Contains(OnboardingProbe.ProbeTemplate, Assert.Single(emulator.Requests).Body);

        emulator.Stop();
        var unreachable = await OnboardingProbe.CheckAsync(client, "shop", CancellationToken.None);
        Assert.Equal(OnboardingState.Unknown, unreachable.Status);
    }
}

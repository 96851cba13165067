using System;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Templates;

namespace Dialog360.MM.Core.Tests.Templates;

/// <summary>Creating and deleting templates through ApiClient, against the emulator's POST and DELETE routes.</summary>
public sealed class TemplateManagementTests : EmulatedAccountTests
{
    private static TemplateDefinition Summer(TimeSpan? ttl = null) => new("summer_sale", "en", TemplateCategory.Marketing,
        "Hi {{1}}, summer is here.", new[] { "Maria" }, footerText: "Reply STOP to opt out",
        buttons: new[] { TemplateButtonDefinition.QuickReply("Stop promotions") }, timeToLive: ttl);

    [Fact]
    public async Task A_created_template_comes_back_as_the_listing_shows_it_with_its_time_to_live()
    {
        var definition = Summer(TimeSpan.FromDays(2));
        var created = await Client.CreateTemplateAsync(definition, CancellationToken.None);
        Assert.Equal(("summer_sale", "en", "MARKETING", "pending", 1), (created.Name, created.LanguageCode, created.Category, created.Status, created.BodyParameterCount));
        Assert.Equal(TimeSpan.FromDays(2), created.TimeToLive);
        Assert.NotNull(created.Id);

        var request = Emulator.Requests.Last();
        Assert.Equal(("POST", "/v1/configs/templates"), (request.Method, request.Path));
        Assert.Equal(Encoding.UTF8.GetString(definition.ToJsonUtf8()), request.Body);

        var listed = (await Client.ListTemplatesAsync(CancellationToken.None)).Single(t => t.Name == "summer_sale");
        Assert.Equal((created.Id, created.Status, created.TimeToLive), (listed.Id, listed.Status, listed.TimeToLive));
    }

    [Fact]
    public async Task A_second_template_of_the_same_name_and_language_is_refused_with_360dialogs_message()
    {
        await Client.CreateTemplateAsync(Summer(), CancellationToken.None);
        var ex = await Assert.ThrowsAsync<ApiException>(() => Client.CreateTemplateAsync(Summer(), CancellationToken.None));
        Assert.Equal(400, ex.HttpStatus);
        Assert.Contains("already exists", ex.Message);
    }

    [Fact]
    public async Task Delete_removes_every_language_of_the_name()
    {
        Assert.Equal(2, (await Client.ListTemplatesAsync(CancellationToken.None)).Count(t => t.Name == "spring_sale"));
        await Client.DeleteTemplateAsync("spring_sale", CancellationToken.None);
        Assert.Equal(("DELETE", "/v1/configs/templates/spring_sale"), (Emulator.Requests.Last().Method, Emulator.Requests.Last().Path));
        Assert.DoesNotContain(await Client.ListTemplatesAsync(CancellationToken.None), t => t.Name == "spring_sale");
    }

    [Fact]
    public async Task Deleting_a_name_that_does_not_exist_is_a_404_ApiException()
    {
        var ex = await Assert.ThrowsAsync<ApiException>(() => Client.DeleteTemplateAsync("no_such_template", CancellationToken.None));
        Assert.Equal(404, ex.HttpStatus);
    }
}

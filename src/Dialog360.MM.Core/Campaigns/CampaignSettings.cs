using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.State;
using Dialog360.MM.Core.Templates;
using Dialog360.MM.Core.Time;

namespace Dialog360.MM.Core.Campaigns;

/// <summary>What one run of Send-MarketingMessage was told, bound once before the first recipient.</summary>
internal sealed class CampaignSettings
{
    public SendRoute Route { get; set; } = SendRoute.MarketingMessages;

    /// <summary>The template and language when they are the same for every record (given as parameters, not by
    /// property name): the journal is claimed for them before anything is sent.</summary>
    public string? TemplateName { get; set; }
    public string LanguageCode { get; set; } = "en";

    /// <summary>-WhatIf: nothing is sent or written; an existing journal is still read, so the preview skips as a run would.</summary>
    public bool WhatIf { get; set; }

    /// <summary>Where the journal and the list live: files (the default) or a storage container.</summary>
    public IStateStore State { get; set; } = FileStateStore.Instance;

    /// <summary>The journal's name in <see cref="State"/> (a full file path for files), or null for a run without one.</summary>
    public string? JournalPath { get; set; }

    /// <summary>The suppression list's name in <see cref="State"/>, or null when no list applies.</summary>
    public string? SuppressionPath { get; set; }

    public SendWindow? Window { get; set; }

    /// <summary>-WaitForWindow: how long the run may keep recipients whose window opens later.</summary>
    public TimeSpan? WaitForWindow { get; set; }

    public bool RetryUnknown { get; set; }
    public bool RetryFailed { get; set; }

    /// <summary>-DefaultRegion for numbers written without their country code.</summary>
    public string? DefaultRegion { get; set; }

    /// <summary>The account's templates, for the pre-send check; null skips the check (-SkipTemplateCheck).</summary>
    public Func<CancellationToken, Task<IReadOnlyList<MMTemplate>>>? ListTemplates { get; set; }

    /// <summary>Pacing, requests in flight, retries.</summary>
    public CampaignOptions Engine { get; set; } = new();

    /// <summary>-Verbose: per-message log lines are built only when someone reads them.</summary>
    public bool Verbose { get; set; }

    /// <summary>
    /// The values a run is given once for every recipient, checked before anything is sent so that a bad one stops the
    /// run there rather than failing every row: null for a value not given (one bound per record is checked with its row).
    /// </summary>
    /// <exception cref="MessageValidationException">The first value that cannot be sent, naming its parameter.</exception>
    public static void CheckOnce(string? templateName, string? languageCode, string? callbackData, TimeSpan? timeToLive,
        bool bodyValuesAndColumns, object? bidMultiplier, string? defaultRegion)
    {
        if (templateName != null) TemplateMessage.ValidateTemplateName(templateName);
        if (languageCode != null) TemplateMessage.ValidateLanguage(languageCode);
        if (callbackData != null) TemplateMessage.ValidateCallbackData(callbackData);
        TimeToLive.RefuseOnSend(timeToLive);
        if (bodyValuesAndColumns)
            throw new MessageValidationException("BodyParameterProperty", ValidationReason.ConflictingBodyParameters,
                "Give either -BodyParameter (the same values for everyone) or -BodyParameterProperty (values from each row's columns), not both.");
        BidSpec.Multiplier(bidMultiplier);
        if (defaultRegion != null) PhoneNumber.ValidateRegion(defaultRegion);
    }

    /// <summary>The send window from -SendWindow, -TimeZone and -WaitForWindow, which go together.</summary>
    /// <exception cref="MessageValidationException">A time zone or a wait without a window, or a window or zone that cannot be read.</exception>
    public static SendWindow? ParseWindow(string? window, string? timeZone, TimeSpan? waitForWindow)
    {
        if (timeZone != null && window is null)
            throw new MessageValidationException("TimeZone", ValidationReason.InvalidTimeZone, "-TimeZone goes with -SendWindow: give the window too, e.g. -SendWindow '09:00-20:00'.");
        if (waitForWindow != null && window is null)
            throw new MessageValidationException("WaitForWindow", ValidationReason.InvalidSendWindow, "-WaitForWindow goes with -SendWindow: give the window too.");
        return window is null ? null : SendWindow.Parse(window, timeZone is null ? null : SendWindow.FindZone(timeZone));
    }
}

using System;

namespace Dialog360.MM.Core.State;

/// <summary>
/// What a journal is for: one template in one language, on one route, from one account. The account is told apart by
/// a keyed hash of the API key (<c>ApiKey.AccountId</c>: the same key gives the same id, two keys that share their
/// last characters do not, and the key cannot be recovered from it). Written as the journal's first line. Journals
/// written before named the account by the key's hint ("****abcd"); those still compare by the hint.
/// </summary>
public sealed class CampaignIdentity : IEquatable<CampaignIdentity>
{
    public CampaignIdentity(string templateName, string languageCode, string route, string account, string? accountHint = null)
    {
        TemplateName = templateName;
        LanguageCode = languageCode;
        Route = route;
        Account = account;
        AccountHint = accountHint;
    }

    /// <summary>The key's hint ("****abcd"), to compare with a journal written before accounts were hashed.</summary>
    public string? AccountHint { get; }

    /// <summary>Whether this run may continue the journal that recorded <paramref name="recorded"/>.</summary>
    public bool IsSameAs(CampaignIdentity recorded) =>
        TemplateName == recorded.TemplateName && LanguageCode == recorded.LanguageCode && Route == recorded.Route &&
        (Account == recorded.Account || (recorded.Account.StartsWith("****", StringComparison.Ordinal) && recorded.Account == AccountHint));

    public string TemplateName { get; }
    public string LanguageCode { get; }
    public string Route { get; }
    public string Account { get; }

    public bool Equals(CampaignIdentity? other) => other is not null &&
        TemplateName == other.TemplateName && LanguageCode == other.LanguageCode && Route == other.Route && Account == other.Account;

    public override bool Equals(object? obj) => Equals(obj as CampaignIdentity);

    public override int GetHashCode() => (TemplateName, LanguageCode, Route, Account).GetHashCode();

    public override string ToString() =>
        $"template '{TemplateName}' ({LanguageCode}) on {Route} from account {(AccountHint ?? (Account.StartsWith("****", StringComparison.Ordinal) ? "key " + Account : Account))}";
}

/// <summary>The journal records another campaign than the run asks for.</summary>
public sealed class JournalMismatchException : InvalidOperationException
{
    public JournalMismatchException(string path, CampaignIdentity recorded, CampaignIdentity requested)
        : base($"The journal '{path}' belongs to another campaign: {recorded}. This run is for {requested}. " +
               "Give this campaign a -JournalPath of its own (one journal per template, language, route and account); " +
               "the existing journal keeps skipping its own campaign's recipients when that campaign is run again.")
    {
        Path = path;
        Recorded = recorded;
        Requested = requested;
    }

    public string Path { get; }
    public CampaignIdentity Recorded { get; }
    public CampaignIdentity Requested { get; }
}

/// <summary>The journal cannot be read or written: a line of the wrong shape, a full disk, a lost handle.</summary>
public sealed class JournalException : System.IO.IOException
{
    public JournalException(string message, Exception? inner = null) : base(message, inner) { }
}

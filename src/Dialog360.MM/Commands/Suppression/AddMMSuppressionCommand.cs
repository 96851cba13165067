using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Dialog360.MM.Core.Campaigns;
using Dialog360.MM.Core.State;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.People;
using Dialog360.MM.Commands.Webhooks;
using Dialog360.MM.Core.Webhooks;
using Dialog360.MM.Errors;

namespace Dialog360.MM.Commands.Suppression;

/// <summary>
/// Puts numbers on the suppression list: typed or piped numbers, CSV rows (by property name), or webhook events from
/// ConvertFrom-MMWebhook (a marketing stop or a 131050 failure adds, a resume removes, anything else is passed over),
/// or stored webhook files read straight into the list with -WebhookFile, without a PowerShell object per event.
/// From webhooks it also learns who is who (a number and its business-scoped user IDs), so that a stop that came with
/// only a BSUID holds back a later send to the number.
/// </summary>
[Cmdlet(VerbsCommon.Add, "MMSuppression", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = WebhookSet)]
[OutputType(typeof(MMSuppressionEntry))]
public sealed class AddMMSuppressionCommand : SuppressionCmdlet
{
    private const string PhoneSet = "Phone";
    private const string WebhookSet = "WebhookEvent";
    private const string FileSet = "WebhookFile";

    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PhoneSet)]
    [Alias("To", "PhoneNumber", "Mobile", "WaId", "Recipient")]
    [AllowEmptyString]
    [AllowEmptyCollection]
    public string[] Phone { get; set; } = Array.Empty<string>();

    /// <summary>A person's business-scoped user ID, by itself or with -Phone (a CSV with both columns pairs them).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = PhoneSet)]
    [Alias("BSUID", "user_id")]
    [AllowEmptyString]
    public string? UserId { get; set; }

    /// <summary>Empty (a blank CSV cell) means "manual".</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = PhoneSet)]
    [AllowEmptyString]
    [AllowNull]
    public string? Reason { get; set; }

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = WebhookSet)]
    public MMWebhookEvent[] WebhookEvent { get; set; } = Array.Empty<MMWebhookEvent>();

    /// <summary>
    /// The record piped in, whatever it is: a CSV row (or any object) gives its numbers the source "csv", a string "manual".
    /// The webhook set is the default so that an event binds to -WebhookEvent before a string conversion can bind it to -Phone.
    /// </summary>
    [Parameter(ValueFromPipeline = true, ParameterSetName = PhoneSet, DontShow = true)]
    public PSObject? InputObject { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] WebhookFile { get; set; } = Array.Empty<string>();

    [Parameter(ParameterSetName = FileSet)]
    [ValidateRange(1024, int.MaxValue)]
    public int MaxDeliveryBytes { get; set; } = WebhookReader.DefaultMaxDeliveryBytes;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private readonly List<SuppressionEntry> _batch = new();
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    // What each number's latest record in this run's input is, so that -WhatIf and -Confirm offer only what the list's
    // rules would write (a stop older than a resume already read changes nothing).
    private readonly Dictionary<string, SuppressionEntry> _decided = new(StringComparer.Ordinal);
    private int _ignored, _added, _removed, _unchanged;
    // Who is who, from every event read: written in batches with the records (Core: WebhookIdentities), each batch
    // under the source its events came from ("webhook" for a batch from several, as piped lines of text are).
    private readonly List<IdentityPair> _pairs = new();
    private string? _pairsSource;
    private int _learned;
    // Under -WhatIf, what the list would learn: counted, not written.
    private readonly Identities _wouldLearn = new();

    protected override void ProcessRecord()
    {
        if (ParameterSetName == FileSet)
        {
            ReadFiles();
            return;
        }
        if (ParameterSetName == WebhookSet)
        {
            foreach (var e in WebhookEvent)
            {
                if (e is null) continue;
                Notice(e);
                QueueFrom(() => SuppressionEntry.FromWebhook(e, Time.GetUtcNow()), e);
            }
        }
        // Send results bind by their To property; only a 131050 refusal is an opt-out, not every recipient of the campaign.
        else if (InputObject?.BaseObject is MMSendResult result) QueueFrom(() => SuppressionPolicy.Learned(result), result);
        else if (Phone.Length == 0) Queue(null);
        else foreach (var phone in Phone) Queue(phone);
        if (_batch.Count >= BatchSize || _pairs.Count >= BatchSize) Flush();
    }

    protected override void EndProcessing()
    {
        Flush();
        if (ParameterSetName != PhoneSet || _ignored > 0)
            WriteVerbose($"{List.Path}: {_added} added, {_removed} removed, {_unchanged} already known (the same or a newer record), " +
                         $"{_ignored} event(s) or result(s) passed over (neither a marketing stop or resume nor a 131050 failure); " +
                         $"{_learned} pair(s) of IDs {(IsWhatIf ? "would be learned" : "learned")} (a number and a business-scoped user ID, or two BSUIDs, that name one person).");
    }

    /// <summary>
    /// Each file's events go from the reader straight to the list's rules, a batch at a time: a day's webhook file of a
    /// few hundred thousand events never becomes PowerShell objects. Problems are reported as ConvertFrom-MMWebhook does.
    /// </summary>
    private void ReadFiles()
    {
        foreach (var file in WebhookFiles.Resolve(this, WebhookFile, literal: false, nameof(WebhookFile),
            " -WebhookFile takes wildcards (logs/*.jsonl); -Path is the suppression list."))
        {
            using var stream = WebhookFiles.Open(this, file);
            if (stream is null) continue;
            WriteVerbose($"Reading opt-outs from {file}.");
            try
            {
                foreach (var e in WebhookReader.Read(stream, file, error => WriteError(ErrorRecords.FromWebhookRead(error, file)), CancelToken, MaxDeliveryBytes))
                {
                    Notice(e);
                    QueueFrom(() => SuppressionEntry.FromWebhook(e, Time.GetUtcNow()), e);
                    if (_batch.Count >= BatchSize || _pairs.Count >= BatchSize) Flush();
                }
                // Each file's pairs under its own name.
                FlushPairs();
            }
            catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (System.IO.IOException ex)
            {
                WriteError(ErrorRecords.Create(ErrorIds.WebhookFileUnreadable, ex, file));
            }
        }
    }

    private void Queue(string? phone)
    {
        if (PersonOf(phone, UserId) is not { } person) return;
        if (List.TryGet(person, out var known) || !person.Keys.All(_queued.Add))
        {
            // Typed numbers carry no time of their own: a second record would only grow the file each time a CSV is imported again.
            WriteVerbose(known is null ? $"{person} appears twice in the input." : $"{person} is already on the list ({known.Reason}, {known.Source}, {known.Time:u}).");
            return;
        }
        var reason = string.IsNullOrWhiteSpace(Reason) ? "manual" : Reason!.Trim();
        if (!ShouldProcess(person.ToString(), $"Add to the suppression list {List.Path} ({reason})")) return;
        var source = InputObject is null || InputObject.BaseObject is string ? "manual" : "csv";
        _batch.Add(new SuppressionEntry(SuppressionAction.Add, person, reason, source, Time.GetUtcNow()));
    }

    /// <summary>Queues what an event or a send result means; counts one that means nothing for the list.</summary>
    private void QueueFrom(Func<SuppressionEntry?> read, object target)
    {
        SuppressionEntry? entry;
        try { entry = read(); }
        catch (MessageValidationException ex)
        {
            WriteError(ErrorRecords.FromValidation(ex, target));
            return;
        }
        if (entry is null)
        {
            _ignored++;
            return;
        }
        var person = new Person(entry.Phone, entry.UserId);
        var key = List.Identities.KeysOf(person)[0];
        var current = _decided.TryGetValue(key, out var earlier) ? earlier : List.Latest(person);
        if (!SuppressionList.Supersedes(entry, current))
        {
            _unchanged++;
            WriteVerbose($"{person}: {entry.Reason} ({entry.Source}) changes nothing: {current!.Reason} at {current.Time:u} ({current.Source}) is as new or newer.");
            return;
        }
        var action = entry.Action == SuppressionAction.Add ? $"Add to the suppression list {List.Path} ({entry.Reason}, {entry.Source})"
            : $"Remove from the suppression list {List.Path} ({entry.Reason}, {entry.Source})";
        var accepted = ShouldProcess(person.ToString(), action);
        if (accepted) _batch.Add(entry);
        // A record declined at -Confirm is not written, so later ones are judged without it; -WhatIf previews the
        // run as if every record offered were written.
        if (accepted || IsWhatIf) foreach (var k in List.Identities.KeysOf(person)) _decided[k] = entry;
    }

    /// <summary>Keeps the pair of IDs the event gives, for the next batch.</summary>
    private void Notice(MMWebhookEvent e)
    {
        if (WebhookIdentities.PairOf(e) is not { } pair) return;
        var source = e.Source ?? "webhook";
        _pairsSource = _pairs.Count == 0 || _pairsSource == source ? source : "webhook";
        _pairs.Add(pair);
    }

    private void FlushPairs()
    {
        if (!IsWhatIf) _learned += Learn(_pairs, _pairsSource!);
        else
        {
            foreach (var pair in _pairs) if (!KnownToList(pair) && _wouldLearn.Learn(pair)) _learned++;
            _pairs.Clear();
        }
    }

    private bool KnownToList(IdentityPair pair)
    {
        var keys = pair.Keys;
        for (var i = 1; i < keys.Count; i++) if (!List.Identities.Same(keys[0], keys[i])) return false;
        return true;
    }

    private void Flush()
    {
        // Pairs first: the records of the batch are then judged against everything known for their person.
        FlushPairs();
        var queued = _batch.Count;
        var written = Write(_batch, PassThru);
        var removed = written.Count(e => e.Action == SuppressionAction.Remove);
        _removed += removed;
        _added += written.Count - removed;
        _unchanged += queued - written.Count;
        _queued.Clear();
    }
}

using System;
using System.Collections.Generic;
using Dialog360.MM.Core.Messages;

namespace Dialog360.MM.Core.Campaigns;

/// <summary>
/// -WaitForWindow: recipients whose send window opens before <see cref="Until"/> are kept instead of deferred, and
/// handed back, in the order their windows open, once the time has come. Those whose window opens later stay Deferred.
/// </summary>
internal sealed class WindowWait
{
    private readonly List<(DateTimeOffset Opening, TemplateMessage Message, string Input)> _held = new();
    private bool _sorted;
    private int _next;

    public WindowWait(DateTimeOffset until) => Until = until;

    public DateTimeOffset Until { get; }

    /// <summary>Recipients kept and not yet handed back.</summary>
    public int Count => _held.Count - _next;

    /// <summary>When the next kept recipient's window opens; null when none is left.</summary>
    public DateTimeOffset? NextOpening => Count > 0 ? Sorted()[_next].Opening : null;

    /// <summary>When the last kept recipient's window opens; null when none is left.</summary>
    public DateTimeOffset? LastOpening => Count > 0 ? Sorted()[_held.Count - 1].Opening : null;

    /// <summary>Whether a recipient the gate deferred for its window would be kept: its window opens in time.</summary>
    public bool CanHold(MMSendResult deferred) =>
        deferred.Status == SendStatus.Deferred && deferred.ErrorCode == RecipientGate.OutsideSendWindow &&
        deferred.NotBefore is DateTimeOffset opening && opening <= Until;

    /// <summary>Keeps a recipient <see cref="CanHold"/> accepted, to be handed back when its window opens.</summary>
    public void Hold(MMSendResult deferred, TemplateMessage message, string input)
    {
        if (!CanHold(deferred)) throw new ArgumentException("Only a recipient deferred for a window that opens in time can be kept.", nameof(deferred));
        _held.Add((deferred.NotBefore!.Value, message, input));
        _sorted = false;
    }

    /// <summary>The kept recipients whose window is open at <paramref name="now"/>, in the order their windows opened.</summary>
    public IReadOnlyList<(TemplateMessage Message, string Input)> TakeDue(DateTimeOffset now)
    {
        var due = new List<(TemplateMessage, string)>();
        var held = Sorted();
        while (_next < held.Count && held[_next].Opening <= now)
        {
            due.Add((held[_next].Message, held[_next].Input));
            _next++;
        }
        return due;
    }

    private List<(DateTimeOffset Opening, TemplateMessage Message, string Input)> Sorted()
    {
        if (!_sorted)
        {
            // Only what is not handed back yet is reordered.
            _held.Sort(_next, _held.Count - _next, Comparer<(DateTimeOffset Opening, TemplateMessage, string)>.Create((a, b) => a.Opening.CompareTo(b.Opening)));
            _sorted = true;
        }
        return _held;
    }
}

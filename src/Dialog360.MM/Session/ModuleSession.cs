using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace Dialog360.MM.Session;

/// <summary>
/// The module's state for one runspace: connected accounts, which one is the default, running emulators and webhook receivers.
/// Keyed by runspace, so ForEach-Object -Parallel, thread jobs and other runspaces neither see nor clobber it.
/// </summary>
internal sealed class ModuleSession
{
    private static readonly ConditionalWeakTable<Runspace, ModuleSession> ByRunspace = new();
    private readonly Dictionary<string, ConnectedAccount> _accounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _order = new();

    public static ModuleSession Current
    {
        get
        {
            var runspace = Runspace.DefaultRunspace
                ?? throw new InvalidOperationException("Dialog360.MM cmdlets must run in a PowerShell runspace.");
            return ByRunspace.GetValue(runspace, r =>
            {
                // A runspace that closes without Remove-Module (ForEach-Object -Parallel, thread jobs, hosts) ends its session too.
                r.StateChanged += OnRunspaceStateChanged;
                return new ModuleSession();
            });
        }
    }

    /// <summary>
    /// Remove-Module (and Import-Module -Force) in this runspace: stops the emulators and receivers it started, disposes
    /// every account's client and forgets the session, so nothing keeps listening or connecting and a later import
    /// starts empty. Other runspaces keep theirs.
    /// </summary>
    public static void CloseCurrent()
    {
        if (Runspace.DefaultRunspace is { } runspace) Close(runspace);
    }

    private static void OnRunspaceStateChanged(object? sender, RunspaceStateEventArgs e)
    {
        if (sender is Runspace runspace && e.RunspaceStateInfo.State is RunspaceState.Closed or RunspaceState.Broken) Close(runspace);
    }

    private static void Close(Runspace runspace)
    {
        runspace.StateChanged -= OnRunspaceStateChanged;
        if (!ByRunspace.TryGetValue(runspace, out var session)) return;
        ByRunspace.Remove(runspace);
        foreach (var emulator in session.Emulators) emulator.Stop();
        session.Emulators.Clear();
        foreach (var receiver in session.WebhookReceivers) receiver.Receiver.Stop();
        session.WebhookReceivers.Clear();
        foreach (var name in session._order.ToList()) session.Remove(name);
    }

    public string? DefaultName { get; private set; }

    public List<MMEmulator> Emulators { get; } = new();

    public List<MMWebhookReceiver> WebhookReceivers { get; } = new();

    /// <summary>A snapshot in connection order, so callers may connect or disconnect while walking it.</summary>
    public IReadOnlyList<ConnectedAccount> Accounts => _order.Select(n => _accounts[n]).ToList();

    public bool TryGet(string name, out ConnectedAccount account) => _accounts.TryGetValue(name, out account!);

    /// <summary>Adds or replaces an account; the first one connected becomes the default.</summary>
    public void Add(ConnectedAccount account)
    {
        if (_accounts.TryGetValue(account.Name, out var old))
        {
            old.Dispose();
            _accounts[account.Name] = account;
        }
        else
        {
            _accounts.Add(account.Name, account);
            _order.Add(account.Name);
        }
        DefaultName ??= account.Name;
    }

    /// <summary>Removes an account; if it was the default, the next oldest becomes the default.</summary>
    public void Remove(string name)
    {
        if (!_accounts.TryGetValue(name, out var account)) return;
        _accounts.Remove(name);
        _order.RemoveAll(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
        account.Dispose();
        if (string.Equals(DefaultName, name, StringComparison.OrdinalIgnoreCase)) DefaultName = _order.FirstOrDefault();
    }

    public bool IsDefault(ConnectedAccount account) => string.Equals(DefaultName, account.Name, StringComparison.OrdinalIgnoreCase);
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.State;
using Dialog360.MM.Errors;
using Microsoft.PowerShell.Commands;
using Dialog360.MM.Session;

namespace Dialog360.MM.Commands;

/// <summary>
/// Base of every cmdlet here: Ctrl+C (StopProcessing) cancels the token that every API call takes, and accounts are
/// looked up in the runspace's own session.
/// </summary>
public abstract class MMCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped.</summary>
    protected CancellationToken CancelToken => _stopping.Token;

    internal ModuleSession ModuleSession => Session.ModuleSession.Current;

    /// <summary>The one source of time for what a cmdlet decides or stamps.</summary>
    protected static TimeProvider Time => TimeProvider.System;

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>-WhatIf given, or $WhatIfPreference set: ShouldProcess answers no, and nothing may change.</summary>
    protected bool IsWhatIf => MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w)
        ? ((SwitchParameter)w).IsPresent
        : GetVariableValue("WhatIfPreference") is SwitchParameter { IsPresent: true } or true;

    /// <summary>-Verbose given, or $VerbosePreference set to show verbose lines: worth building them.</summary>
    protected bool IsVerbose => MyInvocation.BoundParameters.TryGetValue("Verbose", out var v)
        ? ((SwitchParameter)v).IsPresent
        : GetVariableValue("VerbosePreference") is ActionPreference p && p != ActionPreference.SilentlyContinue && p != ActionPreference.Ignore;

    /// <summary>Waits for an API call on the pipeline thread; a cancelled wait ends the pipeline as Ctrl+C should.</summary>
    protected T Wait<T>(Task<T> task)
    {
        try { return task.GetAwaiter().GetResult(); }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested) { throw new PipelineStoppedException(); }
    }

    protected void Wait(Task task)
    {
        try { task.GetAwaiter().GetResult(); }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested) { throw new PipelineStoppedException(); }
    }

    /// <summary>The named account, or the default one; a terminating error that says what to run when there is none.</summary>
    internal ConnectedAccount ResolveAccount(string? name)
    {
        var session = ModuleSession;
        if (string.IsNullOrEmpty(name))
        {
            if (session.DefaultName != null && session.TryGet(session.DefaultName, out var def)) return def;
            ThrowTerminatingError(ErrorRecords.Create(
                ErrorIds.AccountNotConnected, new InvalidOperationException("No account is connected in this session: run Connect-MMAccount first (e.g. Connect-MMAccount -ApiKey (Read-Host -AsSecureString 'API key'))."), null));
        }
        if (session.TryGet(name!, out var account)) return account;
        ThrowTerminatingError(ErrorRecords.Create(
            ErrorIds.AccountNotFound, new ItemNotFoundException($"No account named '{name}' is connected: run Get-MMAccount to see the connected ones, or Connect-MMAccount -Name {name}."), name));
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>The named account, or the default one when one is connected; null when no name is given and none is.</summary>
    internal ConnectedAccount? ResolveAccountOrNull(string? name)
    {
        var session = ModuleSession;
        if (string.IsNullOrEmpty(name) && !(session.DefaultName != null && session.TryGet(session.DefaultName, out _))) return null;
        return ResolveAccount(name);
    }

    /// <summary>
    /// The connected accounts whose names match these names or wildcard patterns, in connection order; a plain name
    /// that matches nothing writes AccountNotFound (a pattern that matches nothing writes nothing, as Get-ChildItem does).
    /// </summary>
    internal List<ConnectedAccount> MatchAccounts(IEnumerable<string> names)
    {
        var accounts = ModuleSession.Accounts;
        var matched = new List<ConnectedAccount>();
        foreach (var name in names)
        {
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            var hits = accounts.Where(a => pattern.IsMatch(a.Name) && !matched.Contains(a)).ToList();
            if (hits.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name) && !matched.Any(a => pattern.IsMatch(a.Name)))
                WriteError(ErrorRecords.Create(
                    ErrorIds.AccountNotFound, new ItemNotFoundException($"No account named '{name}' is connected: run Get-MMAccount to see the connected ones, or Connect-MMAccount -Name {name}."), name));
            matched.AddRange(hits);
        }
        return matched;
    }

    /// <summary>
    /// The file a path parameter names, as a full file-system path: a PowerShell path (relative to the current
    /// location, ~, a drive such as Temp:, FileSystem::) is resolved; the file need not exist, and wildcards stay as
    /// written. A path of another provider (Env:, Variable:, Function:, HKLM:), of a drive or provider that does not
    /// exist, or with a character no path can hold is a terminating NotAFileSystemPath error naming the parameter
    /// (System.IO would otherwise take "Env:x" as the file "x" in the process's own folder).
    /// </summary>
    internal string FileSystemPath(string path, string parameterName)
    {
        if (!TryFileSystemPath(path, parameterName, out var file, out var error)) ThrowTerminatingError(error!);
        return file;
    }

    /// <summary>
    /// A journal's name where <paramref name="state"/> keeps it: a full file path for files, else a name in the
    /// account's storage container (a terminating InvalidStateName error for one that cannot be).
    /// </summary>
    internal string StatePath(IStateStore state, string value, string parameterName) =>
        state is FileStateStore ? FileSystemPath(value, parameterName) : StateName(state, value, parameterName);

    /// <summary>A name in a storage container, or a terminating InvalidStateName error that says why not.</summary>
    internal string StateName(IStateStore state, string name, string parameterName)
    {
        if (state.NameProblem(name) is { } problem)
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.InvalidStateName, new ArgumentException(
                $"-{parameterName} '{name}' cannot name state in {state.Description}: {problem}. Give a name such as weekly-2026-49."), name));
        return name;
    }

    /// <summary>As <see cref="FileSystemPath"/>, for a cmdlet that reports a bad path and goes on with the next.</summary>
    internal bool TryFileSystemPath(string path, string parameterName, out string file, out ErrorRecord? error)
    {
        string problem;
        try
        {
            file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
            if (provider.ImplementingType != typeof(FileSystemProvider))
                problem = $"it is on the {provider.Name} provider, which holds no files";
            else if (file.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
                problem = "it holds a character that no file path can (a control character such as NUL)";
            else
            {
                error = null;
                return true;
            }
        }
        catch (Exception ex) when (ex is SessionStateException || ex is ProviderInvocationException || ex is NotSupportedException || ex is ArgumentException)
        {
            problem = ex.Message.TrimEnd('.');
        }
        file = string.Empty;
        // The example keeps the name that was given, so the fix can be copied.
        var name = path.Substring(path.LastIndexOfAny(new[] { ':', '/', '\\' }) + 1);
        if (name.Length == 0 || name.IndexOfAny(System.IO.Path.GetInvalidFileNameChars()) >= 0 || WildcardPattern.ContainsWildcardCharacters(name)) name = "file.jsonl";
        error = ErrorRecords.Create(ErrorIds.NotAFileSystemPath, new ArgumentException(
            $"-{parameterName} '{path}' is not a file-system path: {problem}. Give a file such as ./{name}, ~/{name} or C:\\data\\{name}."), path);
        return false;
    }

    /// <summary>"Dialog360.MM/0.1.0 (PowerShell 7.6.9; Core)": tells 360dialog's support which client sent a request.</summary>
    protected string UserAgent()
    {
        var moduleVersion = typeof(MMCmdlet).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        var table = SessionState.PSVariable.GetValue("PSVersionTable") as System.Collections.Hashtable;
        var psVersion = table?["PSVersion"]?.ToString() ?? "unknown";
        var edition = table?["PSEdition"]?.ToString() ?? "unknown";
        return $"Dialog360.MM/{moduleVersion} (PowerShell {psVersion}; {edition})";
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing) _stopping.Dispose();
    }
}

using System;
using System.IO;
using System.Threading.Tasks;

namespace Dialog360.MM.Core.State;

/// <summary>
/// Where a journal or a suppression list keeps its JSON lines: a file on this machine, or an append blob in a storage
/// container. Only ever appended to; readers catch up from the offset they have read to.
/// </summary>
public interface ILineLog
{
    /// <summary>What messages call it: a full path, or the blob's address (never a key or a SAS).</summary>
    string Name { get; }

    /// <summary>The bytes stored from <paramref name="offset"/> to the end (complete lines, and maybe the start of one).</summary>
    /// <exception cref="IOException">It cannot be read (<see cref="StateUnavailableException"/> for a store out of reach).</exception>
    byte[] ReadFrom(long offset);

    /// <summary>How many bytes are stored; where asking costs a request, a recent answer may be given.</summary>
    long Length { get; }

    /// <summary>
    /// Stores whole lines, durably: when the task completes they survive the process. Safe from several threads. A
    /// file completes it before returning; a store over the network completes it when its answer comes, so that the
    /// campaign's workers wait for it without holding a thread.
    /// </summary>
    /// <exception cref="IOException">In the task: they could not be stored (disk full, store out of reach).</exception>
    Task AppendAsync(byte[] lines);

    /// <summary>
    /// Drops what follows <paramref name="length"/>: the half line a writer killed mid-write left in a file. Stores
    /// whose appends are atomic never have one.
    /// </summary>
    void CutTo(long length);
}

/// <summary>A store of state that cannot be reached or answered with an error; the message says which and why.</summary>
public class StateUnavailableException : IOException
{
    public StateUnavailableException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// Where an account's state lives: files named by path (the default), or a storage container
/// (the module's Azure Storage assembly). A journal is held by one run at a time; a suppression list takes any number of
/// writers, whose records never mix.
/// </summary>
public interface IStateStore
{
    /// <summary>"files", or the container's address: for -Verbose and Get-MMAccount.</summary>
    string Description { get; }

    /// <summary>Takes the journal called <paramref name="name"/> for this run and returns its log and its run lock.</summary>
    /// <exception cref="Files.FileLockedException">Another run holds it (its holder named where the store can tell).</exception>
    /// <exception cref="IOException">It cannot be opened.</exception>
    (ILineLog Log, Files.IRunLock RunLock) TakeJournal(string name, string purpose, bool readOnly);

    /// <summary>Whether a journal of that name exists (a -WhatIf run creates none).</summary>
    bool JournalExists(string name);

    /// <summary>A journal to read while its run may still be writing it (Measure-MMCampaign -JournalPath): no lock.</summary>
    ILineLog ReadJournal(string name);

    /// <summary>Why <paramref name="name"/> cannot name a journal or a list here, or null. Files take any path the
    /// cmdlets resolved.</summary>
    string? NameProblem(string name);

    /// <summary>The suppression list called <paramref name="name"/>, and the lock its writers take for one batch (null
    /// where appends cannot mix, as in an append blob).</summary>
    (ILineLog Log, Func<IDisposable>? WriterLock) SuppressionList(string name);
}

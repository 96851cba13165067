using System;
using System.IO;
using Dialog360.MM.Core.Files;

namespace Dialog360.MM.Core.Tests.Files;

public sealed class FileLockTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-lock-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_second_holder_is_refused_and_told_who_holds_it()
    {
        var path = Path.Combine(_dir, "a.journal");
        using var first = FileLock.Acquire(path, "campaign");
        var refused = Assert.Throws<FileLockedException>(() => FileLock.Acquire(path, "campaign"));
        Assert.NotNull(refused.Holder);
        Assert.Equal(Environment.ProcessId, refused.Holder!.ProcessId);
        Assert.Equal(Environment.MachineName, refused.Holder.Host);
        Assert.Contains($"process {Environment.ProcessId}", refused.Message);
    }

    [Fact]
    public void The_holder_record_is_readable_by_others_while_held()
    {
        var path = Path.Combine(_dir, "b.journal");
        using var held = FileLock.Acquire(path, "campaign spring");
        using var reader = new FileStream(path + ".lock", FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var text = new StreamReader(reader).ReadToEnd();
        Assert.Contains("\"purpose\":\"campaign spring\"", text);
    }

    [Fact]
    public void A_released_lock_can_be_taken_again_and_leaves_no_stale_record()
    {
        var path = Path.Combine(_dir, "c.journal");
        FileLock.Acquire(path, "first").Dispose();
        using var second = FileLock.Acquire(path, "second");
        Assert.Null(second.TakenOverFrom);
    }

    [Fact]
    public void A_record_left_by_a_killed_run_is_taken_over_and_reported()
    {
        var path = Path.Combine(_dir, "d.journal");
        // What a process killed while holding the lock leaves: its record, and no lock (the OS dropped it).
        File.WriteAllText(path + ".lock", "{\"host\":\"runbook-7\",\"processId\":4242,\"startedAt\":\"2026-11-01T03:00:00+00:00\",\"purpose\":\"campaign\"}");
        using var taken = FileLock.Acquire(path, "campaign");
        Assert.NotNull(taken.TakenOverFrom);
        Assert.Equal("runbook-7", taken.TakenOverFrom!.Host);
        Assert.Equal(4242, taken.TakenOverFrom.ProcessId);
    }

    [Fact]
    public void A_symbolic_link_to_a_held_file_is_refused_and_names_the_holder()
    {
        var path = Path.Combine(_dir, "e.journal");
        File.WriteAllText(path, "");
        var link = Path.Combine(_dir, "e-link.journal");
        File.CreateSymbolicLink(link, path);
        using var held = FileLock.Acquire(path, "campaign");
        var refused = Assert.Throws<FileLockedException>(() => FileLock.Acquire(link, "campaign"));
        Assert.Equal(Environment.ProcessId, refused.Holder!.ProcessId);
    }

    /// <summary>A hard link is the same file under another name: its lock is the file's, even within one process.</summary>
    [Fact]
    public void A_hard_link_to_a_held_file_is_refused()
    {
        if (!OperatingSystem.IsLinux()) return; // the OFD lock that recognises it is Linux's (Windows: LockFileEx, untested here)
        var path = Path.Combine(_dir, "f.journal");
        File.WriteAllText(path, "");
        var link = Path.Combine(_dir, "f-hard.journal");
        using (var ln = System.Diagnostics.Process.Start("ln", new[] { path, link })!) ln.WaitForExit();
        Assert.True(File.Exists(link));
        using (FileLock.Acquire(path, "campaign"))
            Assert.Throws<FileLockedException>(() => FileLock.Acquire(link, "campaign"));
        // Released with its holder: the other name takes it.
        using var second = FileLock.Acquire(link, "campaign");
    }

    /// <summary>Closing another handle of the file (a reader in the same process) must not drop the lock.</summary>
    [Fact]
    public void Reading_a_held_file_in_the_holders_process_keeps_it_held()
    {
        if (!OperatingSystem.IsLinux()) return;
        var path = Path.Combine(_dir, "g.journal");
        File.WriteAllText(path, "line\n");
        var link = Path.Combine(_dir, "g-hard.journal");
        using (var ln = System.Diagnostics.Process.Start("ln", new[] { path, link })!) ln.WaitForExit();
        using var held = FileLock.Acquire(path, "campaign");
        Assert.Equal("line\n", File.ReadAllText(path));
        Assert.Throws<FileLockedException>(() => FileLock.Acquire(link, "campaign"));
    }
}

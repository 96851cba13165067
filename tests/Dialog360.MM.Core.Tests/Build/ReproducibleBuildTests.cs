using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;

namespace Dialog360.MM.Core.Tests.Build;

/// <summary>
/// The module's assemblies, as this build made them, carry no path of the machine that built them: not in the DLL
/// (its PDB's path, CallerFilePath strings) and not in the PDB (its source documents). Reads only the repository.
/// </summary>
public sealed class ReproducibleBuildTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MarketingMessages.sln"))) return dir.FullName;
        throw new InvalidOperationException("The repository root (MarketingMessages.sln) is not above the test's folder.");
    }

    /// <summary>The DLLs this test run uses (copied from the projects' bin folders), and the loader of the same configuration.</summary>
    public static IEnumerable<object[]> Assemblies()
    {
        var here = AppContext.BaseDirectory;
        foreach (var name in new[] { "Dialog360.MM.dll", "Dialog360.MM.Core.dll", "Dialog360.MM.Emulator.dll" })
            yield return new object[] { Path.Combine(here, name) };
        var configuration = new DirectoryInfo(here).Parent!.Name; // bin/<configuration>/<framework>/
        yield return new object[] { Path.Combine(Root, "src", "Dialog360.MM.Loader", "bin", configuration, "net8.0", "Dialog360.MM.Loader.dll") };
    }

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void An_assembly_and_its_pdb_hold_no_path_of_the_repository(string dll)
    {
        var roots = new[] { Root, Root.Replace('\\', '/') }.Distinct().ToList();
        var bytes = File.ReadAllBytes(dll);
        foreach (var root in roots)
        {
            Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(root)), $"{Path.GetFileName(dll)} holds '{root}' (UTF-8).");
            Assert.False(Contains(bytes, Encoding.Unicode.GetBytes(root)), $"{Path.GetFileName(dll)} holds '{root}' (UTF-16).");
        }
        using (var pe = new PEReader(new MemoryStream(bytes)))
        {
            foreach (var entry in pe.ReadDebugDirectory().Where(e => e.Type == DebugDirectoryEntryType.CodeView))
                Assert.StartsWith("/_/", pe.ReadCodeViewDebugDirectoryData(entry).Path);
        }

        // A portable PDB stores each document's path in parts, so its documents are read, not its bytes searched.
        var pdb = Path.ChangeExtension(dll, ".pdb");
        Assert.True(File.Exists(pdb), $"No PDB beside {dll}.");
        using var stream = File.OpenRead(pdb);
        using var provider = MetadataReaderProvider.FromPortablePdbStream(stream);
        var reader = provider.GetMetadataReader();
        var documents = reader.Documents.Select(d => reader.GetString(reader.GetDocument(d).Name)).ToList();
        Assert.NotEmpty(documents);
        Assert.All(documents, d => Assert.StartsWith("/_/", d));
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}

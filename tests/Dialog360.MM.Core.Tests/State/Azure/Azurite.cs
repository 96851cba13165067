using System;
using Azure.Storage.Blobs;
using Dialog360.MM.Storage.Azure;

namespace Dialog360.MM.Core.Tests.State.Azure;

/// <summary>
/// The Azurite that build.ps1 Test starts (its connection string in DIALOG360_MM_AZURITE). Every test takes a
/// container of its own, so tests neither see nor wait for each other's state.
/// </summary>
internal static class Azurite
{
    public const string Variable = "DIALOG360_MM_AZURITE";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value
            : throw new InvalidOperationException($"{Variable} is not set: run the tests with ./build.ps1 Test, which starts Azurite, " +
                                                  "or start Azurite yourself and set it to its connection string.");

    public static BlobContainerClient NewContainer()
    {
        var container = new BlobContainerClient(ConnectionString, "t" + Guid.NewGuid().ToString("N"), AzureStateStore.ClientOptions());
        container.Create();
        return container;
    }

    public static AzureStateStore NewStore(TimeProvider? time = null, int maxBlocks = AppendBlobLog.DefaultMaxBlocks) =>
        new(NewContainer(), time ?? TimeProvider.System, maxBlocks);
}

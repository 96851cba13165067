using System;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Emulator;

namespace Dialog360.MM.Core.Tests.Templates;

/// <summary>An emulator started for each test and an <see cref="ApiClient"/> on it with the emulator's key.</summary>
public abstract class EmulatedAccountTests : IDisposable
{
    private const string Key = "test-key-abcd";

    protected EmulatedAccountTests()
    {
        Emulator = new MarketingApiEmulator(new EmulatorOptions { ApiKey = Key });
        Emulator.Start();
        Client = new ApiClient(Emulator.BaseUri, ApiKey.FromPlainText(Key), new ApiClientOptions { RequestTimeout = TimeSpan.FromSeconds(10) });
    }

    protected MarketingApiEmulator Emulator { get; }
    protected ApiClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        Emulator.Dispose();
        GC.SuppressFinalize(this);
    }
}

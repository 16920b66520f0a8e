namespace CrmActors.Tests.ContactSync;

/// <summary>Tests that each get a fresh Radicale address book (<see cref="Book"/>), deleted afterwards.</summary>
public abstract class SyncBookTests : IAsyncLifetime
{
    protected SyncBook Book { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (RadicaleServer.IsConfigured || RadicaleServer.InCi)
        {
            Book = await SyncBook.CreateAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Book is not null)
        {
            await Book.DisposeAsync();
        }
    }
}

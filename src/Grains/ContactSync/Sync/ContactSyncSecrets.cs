using CrmActors.Grains.ContactSync.CardDav;
using Microsoft.AspNetCore.DataProtection;

namespace CrmActors.Grains.ContactSync.Sync;

/// <summary>
/// The remote's password or token at rest: Data Protection ciphertext under a purpose of its own, with
/// the key ring every silo shares. Decrypted only to build the client of a validation or a run.
/// </summary>
public sealed class ContactSyncSecrets(IDataProtectionProvider protection)
{
    private readonly IDataProtector protector = protection.CreateProtector("CrmActors.ContactSync.RemoteCredentials.v1");

    public string Protect(string secret) => protector.Protect(secret);

    public CardDavCredentials Credentials(SyncRemote remote)
    {
        var secret = protector.Unprotect(remote.ProtectedSecret);
        return remote.Auth == SyncAuth.Bearer ? CardDavCredentials.Bearer(secret) : CardDavCredentials.Basic(remote.UserName!, secret);
    }
}

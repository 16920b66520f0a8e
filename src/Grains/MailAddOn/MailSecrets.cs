using Microsoft.AspNetCore.DataProtection;

namespace CrmActors.Grains.MailAddOn;

/// <summary>
/// Mailbox passwords at rest: ASP.NET Core Data Protection with the key ring every silo shares, so the
/// silo that runs a backup can decrypt what another silo stored. Plain passwords live only in memory.
/// </summary>
public sealed class MailSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("CrmActors.MailAddOn.MailboxPassword.v1");

    public string Protect(string password) => _protector.Protect(password);

    public string Unprotect(string protectedPassword) => _protector.Unprotect(protectedPassword);
}

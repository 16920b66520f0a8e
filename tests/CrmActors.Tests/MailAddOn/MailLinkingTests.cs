using CrmActors.Grains.MailAddOn.Linking;
using CrmActors.Grains.MailAddOn.Store;

namespace CrmActors.Tests.MailAddOn;

public sealed class MailLinkingTests
{
    private static readonly Dictionary<string, IReadOnlyList<string>> Records = new()
    {
        ["lead@prospect.example"] = ["lead-1"],
        ["carol@customer.example"] = ["contact-7", "lead-3"],
        ["Mixed@Case.Example"] = ["account-2"],
    };

    [Fact]
    public void AMessageIsLinkedToEveryRecordMatchingFromToOrCcCaseInsensitively()
    {
        var addresses = MailAddresses.Of(["LEAD@Prospect.example", " carol@CUSTOMER.example ", "mixed@case.example", "nobody@else.example", "not-an-address"]);

        Assert.Equal(["account-2", "contact-7", "lead-1", "lead-3"], MailLinks.Link(addresses, Records));
    }

    [Fact]
    public void ShareRelatedKeepsOnlyLinkedMessagesAndShareAllKeepsAll()
    {
        Assert.True(MailLinks.Decide(MailAccountType.ShareRelated, ["lead@prospect.example"], Records).Keep);
        Assert.False(MailLinks.Decide(MailAccountType.ShareRelated, ["stranger@else.example"], Records).Keep);
        Assert.True(MailLinks.Decide(MailAccountType.ShareAll, ["stranger@else.example"], Records).Keep);
        Assert.False(MailLinks.Decide(MailAccountType.Private, ["lead@prospect.example"], Records).Keep);
    }

    [Fact]
    public void ALatestBackupFetchesOnlyKeysNoEarlierBackupStored()
    {
        var stored = new HashSet<MessageKey> { MessageKey.FromUidl("a"), MessageKey.FromUidl("b") };

        var fresh = MailBackupRules.NewSinceLastBackup([MessageKey.FromUidl("a"), MessageKey.FromUidl("c"), MessageKey.FromUidl("b"), MessageKey.FromUidl("d")], stored);

        Assert.Equal([MessageKey.FromUidl("c"), MessageKey.FromUidl("d")], fresh);
    }

    [Fact]
    public void ALatestBackupIsRefusedUntilTheUserSavesSettingsAfterReactivationOrWhenPrivate()
    {
        var reactivated = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal("mail-latest-backup-settings-not-saved", MailBackupRules.CheckLatestBackup(MailAccountType.ShareAll, reactivated, null)?.Code);
        Assert.Equal("mail-latest-backup-settings-not-saved", MailBackupRules.CheckLatestBackup(MailAccountType.ShareAll, reactivated, reactivated.AddDays(-1))?.Code);
        Assert.Equal("mail-latest-backup-private", MailBackupRules.CheckLatestBackup(MailAccountType.Private, reactivated, reactivated.AddDays(1))?.Code);
        Assert.Null(MailBackupRules.CheckLatestBackup(MailAccountType.ShareRelated, reactivated, reactivated.AddHours(1)));
    }

    [Fact]
    public void ABackupNeedsPop3ASharedAccountAndTheAdminsDomain()
    {
        Assert.Equal("mail-backup-not-pop3", MailBackupRules.CheckBackup("imap", MailAccountType.ShareAll, "u@corp.example", "admin@corp.example")?.Code);
        Assert.Equal("mail-backup-private", MailBackupRules.CheckBackup("pop3", MailAccountType.Private, "u@corp.example", "admin@corp.example")?.Code);
        Assert.Equal("mail-backup-other-domain", MailBackupRules.CheckBackup("pop3", MailAccountType.ShareAll, "u@other.example", "admin@corp.example")?.Code);
        Assert.Null(MailBackupRules.CheckBackup("POP3", MailAccountType.ShareRelated, "u@Corp.Example", "admin@corp.example"));
    }

    [Theory]
    [InlineData("6b0ea4d800000001")]
    [InlineData("a/b+c=.d")]
    [InlineData("ABC")]
    [InlineData("abc")]
    public void AUidlKeyRoundTripsThroughItsFileName(string uidl)
    {
        var key = MessageKey.FromUidl(uidl);

        Assert.Equal(key, MessageKey.FromFileName(key.FileName));
        Assert.Equal(key, MessageKey.Parse(key.Value));
        Assert.DoesNotContain('/', key.FileName);
    }

    [Fact]
    public void UidlsDifferingOnlyInCaseGetDifferentFiles() =>
        Assert.NotEqual(MessageKey.FromUidl("abc").FileName, MessageKey.FromUidl("ABC").FileName);
}

using CrmActors.Grains.Attachments;
using CrmActors.Grains.Audit;
using CrmActors.Grains.Backups;
using CrmActors.Grains.Blobs;
using CrmActors.Grains.Common;
using CrmActors.Grains.MailAddOn;
using CrmActors.Grains.ConfigCopy;
using CrmActors.Grains.ContactSync.Sync;
using CrmActors.Grains.Maintenance;
using CrmActors.Grains.Migrations;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Outbound;
using CrmActors.Grains.Records;
using CrmActors.Grains.RecycleBin;
using CrmActors.Grains.Runs;
using CrmActors.Grains.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace CrmActors.Grains;

public static class GrainsHostingExtensions
{
    /// <summary>
    /// The data services, run handlers and options CrmActors's grains use, on the configured storage:
    /// <c>Storage:Provider</c> = <c>sqlite</c> (a file under <c>Storage:DataDirectory</c>) or
    /// <c>postgres</c> (<c>ConnectionStrings:Crm</c>). Orleans itself is configured by the silo host.
    /// </summary>
    public static IHostApplicationBuilder AddCrmGrains(this IHostApplicationBuilder builder)
    {
        var storage = StorageOptions.From(builder.Configuration);
        builder.Services.AddSingleton(storage);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IDatabase>(_ => CreateDatabase(storage));
        builder.Services.AddSingleton<IBlobStore>(_ => new FileSystemBlobStore(storage.ResolvedBlobRoot));
        builder.Services.AddSingleton(new OutboundTargets(builder.Configuration.GetValue("Outbound:AllowPrivateNetworks", false)));
        // One key ring in the shared blob root, so every silo reads what another protected (sessions, secrets at rest).
        builder.Services.AddDataProtection()
            .SetApplicationName("crmactors")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(storage.ResolvedBlobRoot, "data-protection-keys")));

        builder.Services.AddOptions<ScheduleOptions>().BindConfiguration("Schedules");
        builder.Services.AddOptions<RunOptions>().BindConfiguration("Runs");
        builder.Services.AddSingleton<SideEffectApplier>();
        builder.Services.AddSingleton<CrmGrainServices>();
        builder.Services.AddSingleton<RunTable>();
        builder.Services.AddSingleton<RunSlots>();
        builder.Services.AddSingleton<ReminderDirectory>();

        builder.Services.AddSingleton<TokenStore>();
        builder.Services.AddSingleton<OrganizationDirectory>();
        builder.Services.AddOptions<AuditLogOptions>().BindConfiguration("AuditLog");
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<RecordStore>();
        builder.Services.AddSingleton<RecordService>();
        builder.Services.AddSingleton<BulkInsertService>();
        builder.Services.AddSingleton<AttachmentService>();
        builder.Services.AddOptions<RecycleBinOptions>().BindConfiguration("RecycleBin");
        builder.Services.AddSingleton<RecycleBinService>();
        builder.Services.AddSingleton<IRunHandler, PurgeJob>();
        builder.Services.AddOptions<ConfigCopyOptions>().BindConfiguration("ConfigCopy");
        builder.Services.AddSingleton<ConfigCopyService>();
        builder.Services.AddSingleton<IRunHandler, ConfigCopyApplyJob>();
        builder.Services.AddOptions<BackupOptions>().BindConfiguration("Backups");
        builder.Services.AddSingleton<BackupExporter>();
        builder.Services.AddSingleton<DownloadLinks>();
        builder.Services.AddSingleton<RestoreStore>();
        builder.Services.AddSingleton<IRunHandler, BackupJob>();
        builder.Services.AddSingleton<IRunHandler, RestoreJob>();
        builder.AddMailAddOn();
        builder.Services.AddOptions<ContactSyncOptions>().BindConfiguration("ContactSync");
        builder.Services.AddSingleton<ContactSyncSecrets>();
        builder.Services.AddSingleton<SyncLinkStore>();
        builder.Services.AddSingleton<SyncCrmSide>();
        builder.Services.AddSingleton<ContactSyncService>();
        builder.Services.AddSingleton<IRunHandler, ContactSyncJob>();
        builder.Services.AddOptions<MigrationOptions>().BindConfiguration("Migration");
        builder.Services.AddSingleton<MigrationRunStore>();
        builder.Services.AddSingleton<MigrationUploads>();
        builder.Services.AddSingleton<MigrationDryRun>();
        builder.Services.AddSingleton<IRunHandler, MigrationPassJob>();
        return builder;
    }

    public static IDatabase CreateDatabase(StorageOptions storage) => storage.Provider switch
    {
        StorageProvider.Sqlite => new SqliteDatabase(storage.ConnectionString),
        _ => new PostgresDatabase(new NpgsqlDataSourceBuilder(storage.ConnectionString).Build()),
    };
}

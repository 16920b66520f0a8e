using CrmActors.Grains.Attachments;
using CrmActors.Grains.Audit;
using CrmActors.Grains.Backups;
using CrmActors.Grains.Common;
using CrmActors.Grains.ConfigCopy;
using CrmActors.Grains.Maintenance;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Records;
using CrmActors.Grains.RecycleBin;
using CrmActors.Runtime.Hosting;
using CrmActors.Runtime.Jobs;
using CrmActors.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CrmActors.Grains;

public static class GrainsHostingExtensions
{
    /// <summary>The grain runtime with CrmActors's grains, data services and jobs.</summary>
    public static IHostApplicationBuilder AddCrmGrains(this IHostApplicationBuilder builder)
    {
        builder.AddGrainRuntime(typeof(GrainsHostingExtensions).Assembly);
        builder.Services.AddSingleton<ISchemaContributor, CrmSchema>();
        builder.Services.AddSingleton<TokenStore>();
        builder.Services.AddSingleton<OrganizationDirectory>();
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<RecordStore>();
        builder.Services.AddSingleton<RecordService>();
        builder.Services.AddSingleton<BulkInsertService>();
        builder.Services.AddSingleton<AttachmentService>();
        builder.Services.AddSingleton<RecycleBinService>();
        builder.Services.AddSingleton<IJobHandler, PurgeJob>();
        builder.Services.AddOptions<ConfigCopyOptions>().BindConfiguration("ConfigCopy");
        builder.Services.AddSingleton<ConfigCopyService>();
        builder.Services.AddSingleton<IJobHandler, ConfigCopyApplyJob>();
        builder.Services.AddOptions<BackupOptions>().BindConfiguration("Backups");
        builder.Services.AddSingleton<ISchemaContributor, BackupSchema>();
        builder.Services.AddSingleton<BackupExporter>();
        builder.Services.AddSingleton<DownloadLinks>();
        builder.Services.AddSingleton<RestoreStore>();
        builder.Services.AddSingleton<IJobHandler, BackupJob>();
        builder.Services.AddSingleton<IJobHandler, RestoreJob>();
        return builder;
    }
}

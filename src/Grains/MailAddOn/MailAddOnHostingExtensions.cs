using CrmActors.Grains.MailAddOn.Archive;
using CrmActors.Grains.MailAddOn.Mailboxes;
using CrmActors.Grains.Runs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CrmActors.Grains.MailAddOn;

public static class MailAddOnHostingExtensions
{
    /// <summary>The mail add-on's options (<c>MailAddOn:*</c>), archive, password protection and backup run handler.</summary>
    public static IHostApplicationBuilder AddMailAddOn(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MailAddOnOptions>().BindConfiguration("MailAddOn");
        builder.Services.AddSingleton<MailSecrets>();
        builder.Services.AddSingleton<MailArchive>();
        builder.Services.AddSingleton<IRunHandler, MailBackupJob>();
        return builder;
    }
}

using System.Runtime.CompilerServices;

namespace RazorIpInfo.Tests.Infrastructure;

/// <summary>
/// Every host a test starts would watch its configuration files and content root through inotify, and Linux allows
/// a user 128 inotify instances in all: a few hundred hosts, some alive at once in parallel classes, plus the sites
/// the configuration tests start as processes, ran out of them ("The configured user limit (128) on the number of
/// inotify instances has been reached") in a full run. No test changes a configuration file under a running host,
/// so the hosts read their files once (and the child processes inherit the same setting); the data files the site
/// reloads are looked at with a stat, not a watcher.
/// </summary>
internal static class NoFileWatchers
{
#pragma warning disable CA2255 // a test assembly's one-time set-up, before any test starts a host
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void ReadConfigurationOnce()
    {
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
    }
}

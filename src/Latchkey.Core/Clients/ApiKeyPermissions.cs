namespace Latchkey.Core.Clients;

/// <summary>What an API key may do.</summary>
[Flags]
public enum ApiKeyPermissions
{
    None = 0,

    /// <summary>Sign On (Wix permission <c>IAM.AUTHENTICAITON_SIGN_ON</c>) and the <c>authorized_client</c> grant.</summary>
    SignOn = 1,

    /// <summary>Site administration: policies, members, clients.</summary>
    Admin = 2,

    /// <summary>
    /// Beyond one site: list and create sites, read and change any site (issue #9, decision 0014). Only the CLI grants
    /// it; <see cref="All"/> does not include it.
    /// </summary>
    ServerAdmin = 4,

    All = SignOn | Admin,
}

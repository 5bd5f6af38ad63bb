using Latchkey.Core.Members;
using Latchkey.Core.SocialSignIn;
using Latchkey.Core.Storage;

namespace Latchkey.Storage.Contract;

/// <summary>Social sign-in's ports (issue #26): the site's provider registrations and its members' linked identities.</summary>
public abstract partial class StoreContract
{
    private static IdentityProvider NewProvider(Guid siteId, IdentityProviderKind kind = IdentityProviderKind.Google, DateTimeOffset? at = null) => new()
    {
        Id = Guid.CreateVersion7(),
        SiteId = siteId,
        Kind = kind,
        DisplayName = kind.ToString(),
        ClientId = "client-" + Guid.CreateVersion7(),
        SealedClientSecret = [1, 2, 3],
        CreatedAt = at ?? Now,
        UpdatedAt = at ?? Now,
    };

    private static LinkedIdentity NewIdentity(IdentityProvider provider, Member member, string subject) => new()
    {
        Id = Guid.CreateVersion7(),
        SiteId = provider.SiteId,
        ProviderId = provider.Id,
        Subject = subject,
        MemberId = member.Id,
        Email = member.Email,
        LinkedAt = Now,
    };

    [Fact]
    public async Task Identity_providers_are_kept_changed_and_removed_per_site()
    {
        var site = await NewSiteAsync();
        var other = await NewSiteAsync();
        var google = NewProvider(site.Id);
        var oidc = NewProvider(site.Id, IdentityProviderKind.OpenIdConnect, Now.AddMinutes(1));
        oidc.Issuer = "https://id.example/";
        await Fresh<IIdentityProviderStore>().AddAsync(oidc, CancellationToken.None);
        await Fresh<IIdentityProviderStore>().AddAsync(google, CancellationToken.None);
        await Fresh<IIdentityProviderStore>().AddAsync(NewProvider(other.Id), CancellationToken.None);

        Assert.Equal([google.Id, oidc.Id], (await Fresh<IIdentityProviderStore>().ListAsync(site.Id, CancellationToken.None)).Select(p => p.Id));
        Assert.Null(await Fresh<IIdentityProviderStore>().FindAsync(other.Id, google.Id, CancellationToken.None));

        google.DisplayName = "Google Workspace";
        google.SealedClientSecret = [4, 5];
        google.TrustEmail = true;
        google.Enabled = false;
        google.UpdatedAt = Now.AddHours(1);
        Assert.True(await Fresh<IIdentityProviderStore>().UpdateAsync(google, CancellationToken.None));
        var read = await Fresh<IIdentityProviderStore>().FindAsync(site.Id, google.Id, CancellationToken.None);
        Assert.Equal(("Google Workspace", true, false, Now.AddHours(1)), (read!.DisplayName, read.TrustEmail, read.Enabled, read.UpdatedAt));
        Assert.Equal([4, 5], read.SealedClientSecret);
        Assert.Equal(IdentityProviderKind.Google, read.Kind);

        // Another site's admin cannot change or remove it by its id.
        var foreign = new IdentityProvider
        {
            Id = google.Id,
            SiteId = other.Id,
            Kind = IdentityProviderKind.Google,
            DisplayName = "x",
            ClientId = "x",
            UpdatedAt = Now,
        };
        Assert.False(await Fresh<IIdentityProviderStore>().UpdateAsync(foreign, CancellationToken.None));
        Assert.False(await Fresh<IIdentityProviderStore>().DeleteAsync(other.Id, google.Id, CancellationToken.None));
        Assert.True(await Fresh<IIdentityProviderStore>().DeleteAsync(site.Id, google.Id, CancellationToken.None));
        Assert.False(await Fresh<IIdentityProviderStore>().DeleteAsync(site.Id, google.Id, CancellationToken.None));
        Assert.False(await Fresh<IIdentityProviderStore>().UpdateAsync(google, CancellationToken.None));
        Assert.Equal([oidc.Id], (await Fresh<IIdentityProviderStore>().ListAsync(site.Id, CancellationToken.None)).Select(p => p.Id));
    }

    [Fact]
    public async Task An_upstream_account_links_to_one_member_only_and_unlinks_by_its_member()
    {
        var site = await NewSiteAsync();
        var provider = NewProvider(site.Id);
        await Fresh<IIdentityProviderStore>().AddAsync(provider, CancellationToken.None);
        var ann = NewMember(site, "ann@example.com");
        var bob = NewMember(site, "bob@example.com");
        await Fresh<IMemberStore>().TryAddAsync(ann, CancellationToken.None);
        await Fresh<IMemberStore>().TryAddAsync(bob, CancellationToken.None);

        var link = NewIdentity(provider, ann, "sub-1");
        Assert.True(await Fresh<ILinkedIdentityStore>().LinkAsync(link, CancellationToken.None));
        // The same upstream account for another member: refused on the unique key, nothing written.
        Assert.False(await Fresh<ILinkedIdentityStore>().LinkAsync(NewIdentity(provider, bob, "sub-1"), CancellationToken.None));
        Assert.True(await Fresh<ILinkedIdentityStore>().LinkAsync(NewIdentity(provider, bob, "sub-2"), CancellationToken.None));

        Assert.Equal(ann.Id, (await Fresh<ILinkedIdentityStore>().FindAsync(provider.Id, "sub-1", CancellationToken.None))!.MemberId);
        Assert.Null(await Fresh<ILinkedIdentityStore>().FindAsync(provider.Id, "SUB-1", CancellationToken.None));
        Assert.Equal([link.Id], (await Fresh<ILinkedIdentityStore>().ListAsync(site.Id, ann.Id, CancellationToken.None)).Select(i => i.Id));

        await Fresh<ILinkedIdentityStore>().TouchAsync(link.Id, "ann@new.example", Now.AddDays(1), CancellationToken.None);
        await Fresh<ILinkedIdentityStore>().TouchAsync(link.Id, null, Now.AddDays(2), CancellationToken.None);
        var touched = await Fresh<ILinkedIdentityStore>().FindAsync(provider.Id, "sub-1", CancellationToken.None);
        Assert.Equal(("ann@new.example", Now.AddDays(2)), (touched!.Email, touched.LastSignInAt));

        // Only its own member unlinks it.
        Assert.False(await Fresh<ILinkedIdentityStore>().UnlinkAsync(site.Id, bob.Id, link.Id, CancellationToken.None));
        Assert.True(await Fresh<ILinkedIdentityStore>().UnlinkAsync(site.Id, ann.Id, link.Id, CancellationToken.None));
        Assert.Null(await Fresh<ILinkedIdentityStore>().FindAsync(provider.Id, "sub-1", CancellationToken.None));

        // Unlinked, the account can link again (to whoever proves it next).
        Assert.True(await Fresh<ILinkedIdentityStore>().LinkAsync(NewIdentity(provider, bob, "sub-1"), CancellationToken.None));

        // Removing the registration removes its identities.
        Assert.True(await Fresh<IIdentityProviderStore>().DeleteAsync(site.Id, provider.Id, CancellationToken.None));
        Assert.Empty(await Fresh<ILinkedIdentityStore>().ListAsync(site.Id, bob.Id, CancellationToken.None));
    }
}

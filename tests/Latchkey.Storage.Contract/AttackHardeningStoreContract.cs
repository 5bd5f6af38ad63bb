using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Features.Registration;
using Latchkey.Core.Members;
using Latchkey.Core.Messaging;
using Latchkey.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage.Contract;

/// <summary>The stores issue #21 added or extended: per-member guess counts, decoys, session-token sites, outbox purging.</summary>
public abstract partial class StoreContract
{
    [Fact]
    public async Task A_guess_count_takes_up_to_its_limit_pauses_once_and_starts_again_after_the_pause()
    {
        var later = Now + TimeSpan.FromMinutes(15);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(new GuessTicket(0), await Fresh<IGuessStore>().TryTakeAsync("member", 3, Now, CancellationToken.None));
        }

        Assert.Null(await Fresh<IGuessStore>().TryTakeAsync("member", 3, Now, CancellationToken.None));
        Assert.Null(await Fresh<IGuessStore>().PausedUntilAsync("member", Now, CancellationToken.None));

        Assert.True(await Fresh<IGuessStore>().TryPauseAsync("member", 3, later, Now, CancellationToken.None));
        Assert.False(await Fresh<IGuessStore>().TryPauseAsync("member", 3, later, Now, CancellationToken.None));
        Assert.Equal(later, await Fresh<IGuessStore>().PausedUntilAsync("member", Now, CancellationToken.None));
        Assert.Null(await Fresh<IGuessStore>().TryTakeAsync("member", 3, Now + TimeSpan.FromMinutes(14), CancellationToken.None));

        // After the pause the count starts again, and it remembers the pause (the next one lasts longer).
        Assert.Equal(new GuessTicket(1), await Fresh<IGuessStore>().TryTakeAsync("member", 3, later, CancellationToken.None));
        await Fresh<IGuessStore>().ResetAsync("member", CancellationToken.None);
        Assert.Equal(new GuessTicket(0), await Fresh<IGuessStore>().TryTakeAsync("member", 3, later, CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_guesses_are_taken_no_more_than_the_limit()
    {
        var taken = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ =>
            Task.Run(() => Fresh<IGuessStore>().TryTakeAsync("race", 10, Now, CancellationToken.None))));

        Assert.Equal(10, taken.Count(t => t is not null));
        var paused = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            Task.Run(() => Fresh<IGuessStore>().TryPauseAsync("race", 10, Now + TimeSpan.FromMinutes(15), Now, CancellationToken.None))));
        Assert.Single(paused, p => p);
    }

    [Fact]
    public async Task Untouched_guess_counts_are_purged_and_paused_ones_kept()
    {
        var month = TimeSpan.FromDays(30);
        await Fresh<IGuessStore>().TryTakeAsync("old", 1, Now, CancellationToken.None);
        await Fresh<IGuessStore>().TryTakeAsync("paused", 1, Now, CancellationToken.None);
        await Fresh<IGuessStore>().TryPauseAsync("paused", 1, Now + month + month, Now, CancellationToken.None);

        Assert.Equal(1, await Fresh<IGuessStore>().PurgeAsync(Now + TimeSpan.FromMinutes(1), Now + month, CancellationToken.None));
        Assert.NotNull(await Fresh<IGuessStore>().PausedUntilAsync("paused", Now + month, CancellationToken.None));
    }

    [Fact]
    public async Task Decoys_are_listed_newest_first_per_member_and_only_the_newest_five_are_kept()
    {
        var site = await NewSiteAsync();
        var owner = NewMember(site, "owner@example.com");
        await Fresh<IMemberStore>().TryAddAsync(owner, CancellationToken.None);
        for (var i = 0; i < 7; i++)
        {
            await Fresh<IRegistrationDecoyStore>().AddAsync(new RegistrationDecoy
            {
                Id = Guid.CreateVersion7(),
                SiteId = site.Id,
                OwnerId = owner.Id,
                Email = "Owner@Example.com",
                PasswordDigest = [(byte)i],
                KeyVersion = 1,
                Profile = new IdentityProfile { FirstName = "n" + i },
                CreatedAt = Now.AddMinutes(i),
            }, CancellationToken.None);
        }

        var decoys = await Fresh<IRegistrationDecoyStore>().ListAsync(owner.Id, CancellationToken.None);

        Assert.Equal([6, 5, 4, 3, 2], decoys.Select(d => (int)d.PasswordDigest[0]));
        Assert.Equal("n6", decoys[0].Profile.FirstName);
        Assert.Equal(5L, await Fresh<LatchkeyDbContext>().Set<RegistrationDecoy>().LongCountAsync());
    }

    [Fact]
    public async Task A_session_tokens_site_is_found_without_using_the_token()
    {
        var site = await NewSiteAsync();
        var (_, hash) = await NewSessionAsync(site, Now.AddMinutes(5));

        Assert.Equal(site.Id, await Fresh<ISessionTokenStore>().FindSiteAsync(hash, Now, CancellationToken.None));
        Assert.NotNull(await Fresh<ISessionTokenStore>().TryRedeemAsync(hash, Now, CancellationToken.None));
        Assert.Null(await Fresh<ISessionTokenStore>().FindSiteAsync(hash, Now, CancellationToken.None));

        // A token keeps the member's security stamp it was issued under (issue #21).
        var stamped = Core.Tokens.TokenHasher.FromMasterKey(new byte[32]).Hash(Core.Tokens.SecretGenerator.NewToken());
        var member = NewMember(site, "stamped@example.com");
        await Fresh<IMemberStore>().TryAddAsync(member, CancellationToken.None);
        await Fresh<ISessionTokenStore>().AddAsync(new Core.Tokens.SessionToken
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            MemberId = member.Id,
            MemberStamp = "stamp-1",
            TokenHash = stamped,
            KeyVersion = 1,
            CreatedAt = Now,
            ExpiresAt = Now.AddMinutes(5),
        }, CancellationToken.None);
        Assert.Equal("stamp-1", (await Fresh<ISessionTokenStore>().TryRedeemAsync(stamped, Now, CancellationToken.None))!.MemberStamp);
    }

    [Fact]
    public async Task Sent_and_abandoned_mail_is_purged_after_the_retention_and_waiting_mail_is_kept()
    {
        var site = await NewSiteAsync();
        OutboxEmail Email(string to, int attempts = 0) => new()
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            To = to,
            Subject = "s",
            SealedText = [1],
            CreatedAt = Now,
            NextAttemptAt = Now,
            LockedUntil = Now,
            Attempts = attempts,
        };
        var sent = Email("sent@example.com");
        var abandoned = Email("abandoned@example.com", OutboxEmail.MaxAttempts);
        var waiting = Email("waiting@example.com");
        foreach (var email in (OutboxEmail[])[sent, abandoned, waiting])
        {
            await Fresh<IOutboxStore>().AddAsync(email, CancellationToken.None);
        }

        await Fresh<IOutboxStore>().MarkSentAsync(sent.Id, Now, CancellationToken.None);

        Assert.Equal(0, await Fresh<IOutboxStore>().PurgeAsync(Now, CancellationToken.None));
        Assert.Equal(2, await Fresh<IOutboxStore>().PurgeAsync(Now + TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.Equal(["waiting@example.com"], await Fresh<LatchkeyDbContext>().Outbox.Select(e => e.To).ToListAsync());
    }
}

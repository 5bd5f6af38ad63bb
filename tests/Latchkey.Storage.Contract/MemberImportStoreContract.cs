using Latchkey.Core.Members;
using Latchkey.Core.Storage;

namespace Latchkey.Storage.Contract;

/// <summary>The import's bulk writer: what it stores reads back as any member, and a batch is all or nothing.</summary>
public abstract partial class StoreContract
{
    [Fact]
    public async Task An_imported_batch_reads_back_field_for_field_and_its_emails_are_taken()
    {
        var site = await NewSiteAsync();
        // 250 crosses the multi-row statement size (100) with a remainder.
        var batch = Enumerable.Range(0, 250).Select(i =>
        {
            var member = NewMember(site, $"Import{i}@Example.com");
            member.PasswordHash = i % 2 == 0 ? "$2b$05$abcdefghijklmnopqrstuuFSmJndo5wInIW0VOoKVLOLfJUWgGosq" : null;
            member.Status = i % 3 == 0 ? MemberStatus.Pending : MemberStatus.Active;
            member.PendingReasons = i % 3 == 0 ? PendingReasons.EmailVerificationRequired : PendingReasons.None;
            member.EmailVerified = i % 5 == 0;
            return member;
        }).ToList();

        Assert.True(await Fresh<IMemberImportStore>().TryAddBatchAsync(batch, CancellationToken.None));

        foreach (var expected in new[] { batch[0], batch[99], batch[100], batch[249] })
        {
            var stored = await Fresh<IMemberStore>().FindByEmailAsync(site.Id, expected.NormalizedEmail, CancellationToken.None);
            Assert.NotNull(stored);
            Assert.Equal(
                (expected.Id, expected.Email, expected.PasswordHash, expected.Status, expected.PendingReasons, expected.EmailVerified, expected.CreatedAt, expected.Revision),
                (stored.Id, stored.Email, stored.PasswordHash, stored.Status, stored.PendingReasons, stored.EmailVerified, stored.CreatedAt, stored.Revision));
            Assert.Equal(expected.Profile.ToJson(), stored.Profile.ToJson());
        }

        var taken = await Fresh<IMemberImportStore>().FindTakenEmailsAsync(site.Id, ["import7@example.com", "nobody@example.com", "import249@example.com"], CancellationToken.None);
        Assert.Equal(["import249@example.com", "import7@example.com"], taken.Order());
        Assert.Empty(await Fresh<IMemberImportStore>().FindTakenEmailsAsync(Guid.CreateVersion7(), ["import7@example.com"], CancellationToken.None));
    }

    [Fact]
    public async Task A_batch_with_a_taken_email_stores_none_of_its_members()
    {
        var site = await NewSiteAsync();
        Assert.True(await Fresh<IMemberStore>().TryAddAsync(NewMember(site, "taken@example.com"), CancellationToken.None));
        var batch = Enumerable.Range(0, 150).Select(i => NewMember(site, $"new{i}@example.com")).ToList();
        batch.Insert(120, NewMember(site, "TAKEN@example.com"));

        Assert.False(await Fresh<IMemberImportStore>().TryAddBatchAsync(batch, CancellationToken.None));

        var anyNew = await Fresh<IMemberImportStore>().FindTakenEmailsAsync(site.Id, [.. batch.Select(m => m.NormalizedEmail)], CancellationToken.None);
        Assert.Equal(["taken@example.com"], anyNew);
        batch.RemoveAt(120);
        Assert.True(await Fresh<IMemberImportStore>().TryAddBatchAsync(batch, CancellationToken.None));
        Assert.NotNull(await Fresh<IMemberStore>().FindByEmailAsync(site.Id, "new149@example.com", CancellationToken.None));
    }

    [Fact]
    public async Task An_imported_slug_another_member_holds_is_left_out_and_the_rest_kept()
    {
        var site = await NewSiteAsync();
        var holder = NewMember(site, "holder@example.com");
        holder.Profile = new IdentityProfile { Slug = "taken" };
        Assert.True(await Fresh<IMemberStore>().TryAddAsync(holder, CancellationToken.None));
        var batch = new[] { ("a@example.com", "Taken"), ("b@example.com", "Twice"), ("c@example.com", "twice"), ("d@example.com", "Mine Only") }
            .Select(row =>
            {
                var member = NewMember(site, row.Item1);
                member.Profile = member.Profile with { Slug = row.Item2, Nickname = row.Item1 };
                return member;
            }).ToList();

        Assert.True(await Fresh<IMemberImportStore>().TryAddBatchAsync(batch, CancellationToken.None));

        async Task<(string? Slug, string? Nickname)> StoredAsync(string email)
        {
            var stored = await Fresh<IMemberStore>().FindByEmailAsync(site.Id, email, CancellationToken.None);
            return (stored!.Slug, stored.Nickname);
        }

        Assert.Equal((null, "a@example.com"), await StoredAsync("a@example.com"));
        Assert.Equal(("twice", "b@example.com"), await StoredAsync("b@example.com"));
        Assert.Equal((null, "c@example.com"), await StoredAsync("c@example.com"));
        Assert.Equal(("mine-only", "d@example.com"), await StoredAsync("d@example.com"));
    }
}

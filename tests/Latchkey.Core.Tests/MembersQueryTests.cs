using System.Text.Json;
using Latchkey.Core.Errors;
using Latchkey.Core.Features.Members;
using Latchkey.Core.Members;
using Latchkey.Core.Storage;

namespace Latchkey.Core.Tests;

/// <summary>The Members API's query language, fieldsets and slugs (issue #24, docs/wire/members.md), without HTTP.</summary>
public class MembersQueryTests
{
    private static MemberListRequest Parse(string json) => MemberQueryParser.Parse(JsonDocument.Parse(json).RootElement).ValueOrThrow();

    private static LatchkeyError Refused(string json) =>
        MemberQueryParser.Parse(JsonDocument.Parse(json).RootElement).Error ?? throw new InvalidOperationException("accepted");

    [Fact]
    public void A_query_becomes_the_store_model_with_emails_normalised()
    {
        var request = Parse("""
            {"filter":{"$and":[{"loginEmail":{"$startsWith":" ANN"}},{"status":{"$in":["APPROVED","PENDING"]}}],
             "createdDate":{"$gte":"2026-01-01T00:00:00Z","$lt":{"$date":"2026-02-01T00:00:00+01:00"}},"profile.nickname":null},
             "sort":[{"fieldName":"profile.nickname","order":"DESC"},{"fieldName":"createdDate"}],"paging":{"limit":"10","offset":20}}
            """);

        var all = Assert.IsType<AllOf>(request.Filter);
        var and = Assert.IsType<AllOf>(all.Filters[0]);
        Assert.Equal(new TextCondition(MemberTextField.LoginEmail, FilterOperator.StartsWith, ["ann"]).Values, ((TextCondition)and.Filters[0]).Values);
        Assert.Equal([MemberStatus.Active, MemberStatus.Pending], ((StatusCondition)and.Filters[1]).Values);
        Assert.Equal(FilterOperator.Gte, ((CreatedCondition)all.Filters[1]).Operator);
        Assert.Equal(new DateTimeOffset(2026, 1, 31, 23, 0, 0, TimeSpan.Zero), ((CreatedCondition)all.Filters[2]).Values[0]);
        Assert.Equal([null], ((TextCondition)all.Filters[3]).Values);
        Assert.Equal([new MemberSort(MemberSortField.Nickname, true), new MemberSort(MemberSortField.CreatedDate, false)], request.Sort);
        Assert.Equal((20, 10), (request.Offset, request.Limit));
        Assert.True(request.ReadsPrivateFields);
    }

    [Fact]
    public void No_query_is_everything_on_the_first_page_and_reads_nothing_private()
    {
        var request = MemberQueryParser.Parse(null).ValueOrThrow();

        Assert.Equal((null, 0, 50), (request.Filter, request.Offset, request.Limit));
        Assert.False(Parse("""{"filter":{"$or":[{"profile.nickname":"a"},{"createdDate":{"$gt":"2026-01-01T00:00:00Z"}}]}}""").ReadsPrivateFields);
        Assert.True(Parse("""{"filter":{"$not":{"status":"BLOCKED"}}}""").ReadsPrivateFields);
        Assert.True(Parse("""{"sorting":[{"fieldName":"loginEmail"}]}""").ReadsPrivateFields);
    }

    [Fact]
    public void Deep_or_wide_filters_are_refused()
    {
        var deep = string.Concat(Enumerable.Repeat("""{"$not":""", 9)) + """{"profile.nickname":"a"}""" + new string('}', 9);
        var wide = "{\"$or\":[" + string.Join(',', Enumerable.Repeat("""{"profile.nickname":"a"}""", 101)) + "]}";

        Assert.True(Refused($$"""{"filter":{{deep}}}""").Is(LatchkeyErrors.QueryInvalid));
        Assert.Contains("at most 100 conditions", Refused($$"""{"filter":{{wide}}}""").Message, StringComparison.Ordinal);
        var many = "[" + string.Join(',', Enumerable.Repeat("\"a\"", 101)) + "]";
        Assert.Contains("at most 100 values", Refused("{\"filter\":{\"loginEmail\":{\"$in\":" + many + "}}}").Message, StringComparison.Ordinal);
        Assert.Contains("query.filter.profile.nickname.$startsWith", Refused("""{"filter":{"profile.nickname":{"$startsWith":null}}}""").Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, MemberFieldset.Public)]
    [InlineData("public", MemberFieldset.Public)]
    [InlineData("EXTENDED", MemberFieldset.Extended)]
    [InlineData("PUBLIC,FULL", MemberFieldset.Full)]
    public void The_largest_fieldset_named_wins(string? names, MemberFieldset expected) =>
        Assert.Equal(expected, MemberFieldsets.Parse(names?.Split(',')).ValueOrThrow());

    [Theory]
    [InlineData("ALL")]
    [InlineData("1")]
    [InlineData("PUBLIC,PUBLIC,PUBLIC,PUBLIC")]
    public void Unknown_or_too_many_fieldsets_are_refused(string names) =>
        Assert.True(MemberFieldsets.Parse(names.Split(',')).Error!.Is(LatchkeyErrors.ValidationFailed));

    [Theory]
    [InlineData("Ann Smith", "ann-smith")]
    [InlineData("  --Zoë's page!! ", "zoë-s-page")]
    [InlineData("a/b?c#d", "a-b-c-d")]
    [InlineData("!!!", null)]
    [InlineData("", null)]
    public void A_profile_slug_is_made_a_slug(string text, string? slug) => Assert.Equal(slug, MemberSlug.From(text));

    [Theory]
    [InlineData("Bob.Builder", "bob.builder")]
    [InlineData("ann_smith-2", "ann_smith-2")]
    [InlineData("-ann", null)]
    [InlineData("a b", null)]
    [InlineData("a/b", null)]
    [InlineData("", null)]
    public void A_slug_set_through_the_members_api_must_already_be_one(string value, string? slug) => Assert.Equal(slug, MemberSlug.Parse(value));

    [Fact]
    public void A_suffixed_slug_stays_within_the_limit()
    {
        var longest = new string('a', MemberSlug.MaxLength);

        Assert.Equal("ann-2", MemberSlug.WithSuffix("ann", 2));
        Assert.Equal(MemberSlug.MaxLength, MemberSlug.WithSuffix(longest, 12).Length);
        Assert.EndsWith("-12", MemberSlug.WithSuffix(longest, 12), StringComparison.Ordinal);
        Assert.Null(MemberSlug.Parse(longest + "a"));
    }

    [Fact]
    public void The_profile_and_the_columns_agree()
    {
        var member = new Member { Email = "a@example.com", NormalizedEmail = "a@example.com", SecurityStamp = "s" };

        member.Profile = new IdentityProfile { Nickname = "Ann", Slug = "Ann Smith", PrivacyStatus = "public" };

        Assert.Equal(("Ann", "ann-smith", MemberPrivacy.Public), (member.Nickname, member.Slug, member.Privacy));
        Assert.Equal(("ann-smith", "PUBLIC"), (member.Profile.Slug, member.Profile.PrivacyStatus));
        member.Profile = member.Profile with { PrivacyStatus = "UNDEFINED" };
        Assert.Equal((MemberPrivacy.Undefined, null), (member.Privacy, member.Profile.PrivacyStatus));
    }
}

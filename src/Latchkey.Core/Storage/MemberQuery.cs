using Latchkey.Core.Members;

namespace Latchkey.Core.Storage;

/// <summary>Members of one site by email substring and status, ordered by id; <c>After</c> is the last id seen.</summary>
public sealed record MemberQuery(string? Search = null, MemberStatus? Status = null, int PageSize = 50, Guid? After = null);

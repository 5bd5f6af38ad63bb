using Latchkey.Core.Members;

namespace Latchkey.Core.Sessions;

/// <summary>A redeemed session token: who it proved, and the session it opened.</summary>
public sealed record RedeemedSession(Member Member, MemberSession Session, string? Cookie);

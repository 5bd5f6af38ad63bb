using Latchkey.Core.Members;

namespace Latchkey.Core.Sessions;

/// <summary>A session with the member it belongs to, read together.</summary>
public sealed record SessionWithMember(MemberSession Session, Member Member);

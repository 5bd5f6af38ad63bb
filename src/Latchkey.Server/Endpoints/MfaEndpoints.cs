using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Features.Mfa;
using Latchkey.Server.AbuseProtection;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// MFA (beyond Wix). <c>/v2/verify</c> is the Wix-shaped second login step (Wix envelope on errors); the member's
/// own enrolment lives under Latchkey's API at <c>/mfa/v1/*</c> (member access token, RFC 9457 problems).
/// </summary>
public static class MfaEndpoints
{
    public sealed record CodeData(string? Code);

    public sealed record VerifyRequest(string? StateToken, string? FactorType, CodeData? TotpData, CodeData? RecoveryCodeData);

    public sealed record ConfirmRequest(string? Code);

    public sealed record ProofRequest(string? Code, string? RecoveryCode);

    public sealed record StartResponse(string Secret, string OtpauthUri, DateTimeOffset ExpiresAt);

    public sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

    public static void MapMfaEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(WixRoutes.Authentication, "/v2/verify", VerifyAsync, "VerifyMfa")
            .Wix<VerifyRequest, StateMachineResponse>(ApiDocs.WixAuthentication, "Continue a login that requires MFA (state token + TOTP or recovery code)");
        app.MapGet("/mfa/v1", async (HttpRequest request, CallerResolver callers, ManageMfa step, CancellationToken ct) =>
            await AsMemberAsync(request, callers, async (caller, memberId) => Results.Ok(await step.StatusAsync(memberId, ct)), ct))
            .Own<MfaStatus>(ApiDocs.Mfa, "The member's MFA enrolment");
        app.MapPost("/mfa/v1/totp/start", async (HttpRequest request, CallerResolver callers, ManageMfa step, CancellationToken ct) =>
            await AsMemberAsync(request, callers, async (caller, memberId) =>
                Map(await step.StartAsync(caller.Site, memberId, ct), s => new StartResponse(s.Secret, s.OtpAuthUri, s.ExpiresAt)), ct))
            .Own<StartResponse>(ApiDocs.Mfa, "Start TOTP enrolment: a secret and its otpauth URI");
        app.MapPost("/mfa/v1/totp/confirm", async (HttpRequest request, CallerResolver callers, AbuseGuard guard, ManageMfa step, CancellationToken ct) =>
            await WithBodyAsync<ConfirmRequest>(request, callers, guard, async (caller, memberId, body) =>
                Map(await step.ConfirmAsync(caller.Site, memberId, body.Code, ct), codes => new RecoveryCodesResponse(codes)), ct))
            .Own<ConfirmRequest, RecoveryCodesResponse>(ApiDocs.Mfa, "Confirm TOTP enrolment with a first code; answers the recovery codes once");
        app.MapPost("/mfa/v1/recovery-codes", async (HttpRequest request, CallerResolver callers, AbuseGuard guard, ManageMfa step, CancellationToken ct) =>
            await WithBodyAsync<ProofRequest>(request, callers, guard, async (caller, memberId, body) =>
                Map(await step.RegenerateRecoveryCodesAsync(caller.Site, memberId, new MfaProof(body.Code, body.RecoveryCode), ct), codes => new RecoveryCodesResponse(codes)), ct))
            .Own<ProofRequest, RecoveryCodesResponse>(ApiDocs.Mfa, "Replace the recovery codes (needs a TOTP or recovery code)");
        app.MapPost("/mfa/v1/disable", async (HttpRequest request, CallerResolver callers, AbuseGuard guard, ManageMfa step, CancellationToken ct) =>
            await WithBodyAsync<ProofRequest>(request, callers, guard, async (caller, memberId, body) =>
                Map(await step.DisableAsync(caller.Site, memberId, new MfaProof(body.Code, body.RecoveryCode), ct), _ => new ApiDocs.EmptyObject()), ct))
            .Own<ProofRequest, ApiDocs.EmptyObject>(ApiDocs.Mfa, "Turn MFA off (needs a TOTP or recovery code)");
    }

    private static async Task<IResult> VerifyAsync(
        HttpRequest request, CallerResolver callers, AbuseGuard guard, VerifyMfaCode step, CancellationToken cancellationToken)
    {
        var caller = await callers.ResolveAsync(request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return WixErrors.ToResult(caller.Error, alwaysApplicationError: true);
        }

        // Second-factor codes are throttled per address and site like email codes (each flow also allows 5 tries).
        var pass = await guard.CheckAsync(GuardedRequests.For(request, caller.Value.Site, GuardedAction.Verification, null, null), cancellationToken);
        if (!pass.IsSuccess)
        {
            return WixErrors.ToResult(pass.Error, alwaysApplicationError: true);
        }

        var body = await RequestBody.ReadAsync<VerifyRequest>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return WixErrors.ToResult(body.Error, alwaysApplicationError: true);
        }

        var input = body.Value;
        var code = input.FactorType == "RECOVERY_CODE" ? input.RecoveryCodeData?.Code : input.TotpData?.Code;
        return WixResults.From(
            await step.HandleAsync(caller.Value.Site.Id, new VerifyMfaInput(input.StateToken, input.FactorType, code), cancellationToken),
            alwaysApplicationError: true);
    }

    /// <summary>Same rule as Change Password: a member access token from a live session.</summary>
    private static async Task<IResult> AsMemberAsync(
        HttpRequest request, CallerResolver callers, Func<Caller, Guid, Task<IResult>> handle, CancellationToken cancellationToken)
    {
        var caller = await callers.ResolveAsync(request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return Problems.ToResult(caller.Error);
        }

        return caller.Value.MemberId is { } memberId
            ? await handle(caller.Value, memberId)
            : Problems.ToResult(LatchkeyErrors.MemberTokenRequired.WithDetail("MFA settings need a member access token; visitor tokens and API keys cannot change them."));
    }

    /// <summary>
    /// The member's code-taking endpoints run the guard's per-address and per-site rates (issue #21), on top of the
    /// member's count of wrong codes that <see cref="ManageMfa"/> shares with login.
    /// </summary>
    private static Task<IResult> WithBodyAsync<T>(
        HttpRequest request, CallerResolver callers, AbuseGuard guard, Func<Caller, Guid, T, Task<IResult>> handle, CancellationToken cancellationToken)
        where T : class =>
        AsMemberAsync(request, callers, async (caller, memberId) =>
        {
            var pass = await guard.CheckAsync(GuardedRequests.For(request, caller.Site, GuardedAction.Verification, null, null), cancellationToken);
            if (!pass.IsSuccess)
            {
                return Problems.ToResult(pass.Error);
            }

            var body = await RequestBody.ReadAsync<T>(request, cancellationToken);
            return body.IsSuccess ? await handle(caller, memberId, body.Value) : Problems.ToResult(body.Error);
        }, cancellationToken);

    private static IResult Map<T>(Result<T> result, Func<T, object> body) =>
        result.IsSuccess ? Results.Ok(body(result.Value)) : Problems.ToResult(result.Error);
}

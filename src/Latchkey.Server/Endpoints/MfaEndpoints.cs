using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Features.Mfa;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// MFA (beyond Wix). <c>/v2/verify</c> is the Wix-shaped second login step (Wix envelope on errors); the member's
/// own enrolment lives under Latchkey's API at <c>/mfa/v1/*</c> (member access token, RFC 9457 problems). Every code
/// these endpoints take passes the guard's per-address and per-site rates (issue #21) inside its Core step, on top of
/// the member's count of wrong codes that <see cref="ManageMfa"/> shares with login.
/// </summary>
public static class MfaEndpoints
{
    public sealed record CodeData(string? Code);

    public sealed record VerifyRequest(string? StateToken, string? FactorType, CodeData? TotpData, CodeData? RecoveryCodeData)
    {
        /// <summary>The code of the factor the request names.</summary>
        public VerifyMfaInput ToInput() => new(StateToken, FactorType, FactorType == "RECOVERY_CODE" ? RecoveryCodeData?.Code : TotpData?.Code);
    }

    public sealed record ConfirmRequest(string? Code);

    public sealed record ProofRequest(string? Code, string? RecoveryCode)
    {
        public MfaProof ToProof() => new(Code, RecoveryCode);
    }

    public sealed record StartResponse(string Secret, string OtpauthUri, DateTimeOffset ExpiresAt);

    public sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

    public static void MapMfaEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(WixRoutes.Authentication, "/v2/verify", VerifyAsync, "VerifyMfa")
            .Wix(ApiDocs.WixAuthentication, "Continue a login that requires MFA (state token + TOTP or recovery code)", alwaysApplicationError: true);

        app.MapGet("/mfa/v1", StatusAsync).Member().Own(ApiDocs.Mfa, "The member's MFA enrolment");
        app.MapPost("/mfa/v1/totp/start", StartAsync).Member().Own(ApiDocs.Mfa, "Start TOTP enrolment: a secret and its otpauth URI");
        app.MapPost("/mfa/v1/totp/confirm", ConfirmAsync).Member()
            .Own(ApiDocs.Mfa, "Confirm TOTP enrolment with a first code; answers the recovery codes once");
        app.MapPost("/mfa/v1/recovery-codes", RegenerateAsync).Member().Own(ApiDocs.Mfa, "Replace the recovery codes (needs a TOTP or recovery code)");
        app.MapPost("/mfa/v1/disable", DisableAsync).Member().Own(ApiDocs.Mfa, "Turn MFA off (needs a TOTP or recovery code)");
    }

    /// <summary>
    /// Same rule as Change Password: a member access token from a live session. (Not a route group: the OpenAPI
    /// document lists a group's endpoints after all others.)
    /// </summary>
    private static RouteHandlerBuilder Member(this RouteHandlerBuilder builder) =>
        builder.RequireCaller(CallerKind.Member, "MFA settings need a member access token; visitor tokens and API keys cannot change them.");

    private static async Task<ApiResult<StateMachineResponse>> VerifyAsync(Call<VerifyRequest> call, VerifyMfaCode step, CancellationToken cancellationToken) =>
        ApiResult.From(await step.HandleAsync(call.Guarded(GuardedAction.Verification), call.Body.ToInput(), cancellationToken), StateMachineResponse.From);

    private static async Task<ApiResult<MfaStatus>> StatusAsync(Call call, ManageMfa step, CancellationToken cancellationToken) =>
        await step.StatusAsync(call.MemberId, cancellationToken);

    private static async Task<ApiResult<StartResponse>> StartAsync(Call call, ManageMfa step, CancellationToken cancellationToken) =>
        ApiResult.From(await step.StartAsync(call.Site, call.MemberId, cancellationToken), s => new StartResponse(s.Secret, s.OtpAuthUri, s.ExpiresAt));

    private static async Task<ApiResult<RecoveryCodesResponse>> ConfirmAsync(Call<ConfirmRequest> call, ManageMfa step, CancellationToken cancellationToken) =>
        ApiResult.From(
            await step.ConfirmAsync(call.Guarded(GuardedAction.Verification), call.MemberId, call.Body.Code, cancellationToken),
            codes => new RecoveryCodesResponse(codes));

    private static async Task<ApiResult<RecoveryCodesResponse>> RegenerateAsync(Call<ProofRequest> call, ManageMfa step, CancellationToken cancellationToken) =>
        ApiResult.From(
            await step.RegenerateRecoveryCodesAsync(call.Guarded(GuardedAction.Verification), call.MemberId, call.Body.ToProof(), cancellationToken),
            codes => new RecoveryCodesResponse(codes));

    private static async Task<ApiResult<ApiDocs.EmptyObject>> DisableAsync(Call<ProofRequest> call, ManageMfa step, CancellationToken cancellationToken) =>
        ApiResult.From(
            await step.DisableAsync(call.Guarded(GuardedAction.Verification), call.MemberId, call.Body.ToProof(), cancellationToken),
            _ => new ApiDocs.EmptyObject());
}

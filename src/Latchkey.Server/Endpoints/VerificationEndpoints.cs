using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Features.Verification;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// Verification API (docs/wire/verification.md#verification-api): <c>/v1/auth/verify {code, stateToken}</c> continues a
/// REQUIRE_EMAIL_VERIFICATION flow; <c>/v1/auth/resend {stateToken}</c> (Latchkey addition) sends a new code.
/// <c>/v1/start {identityId, target}</c> emails a code outside a login and answers <c>{verificationId}</c>;
/// <c>/v1/verify {verificationId, code}</c> (Latchkey addition, the SDK's unexposed <c>VerifyRequest</c>) completes it
/// and answers <c>{identity}</c>.
/// </summary>
public static class VerificationEndpoints
{
    private static readonly string[] Prefixes = ["/_api/iam/verification", "/iam/verification", "/verification"];

    public sealed record VerifyRequest(string? Code, string? StateToken);

    public sealed record ResendRequest(string? StateToken);

    public sealed record StartRequest(string? IdentityId, string? Target)
    {
        /// <summary>A trusted caller may start for any member of the site; a member for itself only.</summary>
        public StartVerificationInput For(Caller caller) => new(IdentityId, Target, caller.MemberId, Trusted: caller.ApiKey is not null);
    }

    public sealed record CompleteRequest(string? VerificationId, string? Code);

    public sealed record StartResponse(string VerificationId);

    public sealed record CompleteResponse(IdentityDto Identity);

    public static void MapVerificationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(Prefixes, "/v1/auth/verify", VerifyAsync, "VerifyDuringAuthentication")
            .Wix(ApiDocs.WixVerification, "Continue a registration or login with the emailed code and the state token");
        app.MapPost(Prefixes, "/v1/auth/resend", ResendAsync, "ResendVerificationCode")
            .Wix(ApiDocs.WixVerification, "Send the verification code again");
        app.MapPost(Prefixes, "/v1/start", StartAsync, "StartVerification")
            .Wix(ApiDocs.WixVerification, "Start verifying a member's email outside a login (API key)");
        app.MapPost(Prefixes, "/v1/verify", CompleteAsync, "CompleteVerification")
            .Wix(ApiDocs.WixVerification, "Complete a verification started with /v1/start");
    }

    private static async Task<ApiResult<StartResponse>> StartAsync(Call<StartRequest> call, StartVerification step, CancellationToken cancellationToken) =>
        ApiResult.From(
            await step.HandleAsync(call.Guarded(GuardedAction.Verification), call.Body.For(call.Caller), cancellationToken),
            verificationId => new StartResponse(verificationId));

    private static async Task<ApiResult<CompleteResponse>> CompleteAsync(
        Call<CompleteRequest> call, CompleteVerification step, CancellationToken cancellationToken) =>
        ApiResult.From(
            await step.HandleAsync(call.Guarded(GuardedAction.Verification), call.Body.VerificationId, call.Body.Code, cancellationToken),
            member => new CompleteResponse(IdentityDto.From(member)));

    private static async Task<ApiResult<StateMachineResponse>> VerifyAsync(Call<VerifyRequest> call, VerifyEmailCode step, CancellationToken cancellationToken) =>
        ApiResult.From(
            await step.HandleAsync(call.Guarded(GuardedAction.Verification), new VerifyEmailInput(call.Body.StateToken, call.Body.Code), cancellationToken),
            StateMachineResponse.From);

    private static async Task<ApiResult<ApiDocs.EmptyObject>> ResendAsync(
        Call<ResendRequest> call, ResendVerificationCode step, CancellationToken cancellationToken) =>
        ApiResult.From(
            await step.HandleAsync(call.Guarded(GuardedAction.Verification), call.Body.StateToken, cancellationToken),
            _ => new ApiDocs.EmptyObject());
}

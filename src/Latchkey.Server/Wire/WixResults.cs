using Latchkey.Core.Errors;
using Latchkey.Core.Features;

namespace Latchkey.Server.Wire;

/// <summary>Maps step results to HTTP: 200 with the Wix JSON conventions, or the error envelope.</summary>
public static class WixResults
{
    public static IResult Ok(object body) => Results.Json(body, WixJson.Options);

    public static IResult From(Result<AuthOutcome> result, bool alwaysApplicationError = false) => result.IsSuccess
        ? Ok(StateMachineResponse.From(result.Value))
        : WixErrors.ToResult(result.Error, alwaysApplicationError);
}

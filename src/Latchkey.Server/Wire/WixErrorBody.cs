namespace Latchkey.Server.Wire;

/// <summary>
/// The Wix error envelope (docs/wire/conventions.md#errors) as types, so the mapper and the OpenAPI document describe
/// one shape: <c>{message, code, details: {validationError {fieldViolations} | applicationError {code, description,
/// data}}}</c>.
/// </summary>
public sealed record WixErrorBody(string Message, string Code, WixErrorDetails Details);

/// <summary>
/// At least one member is present; <c>applicationError</c> is always there on login (docs/wire/conventions.md#errors).
/// </summary>
public sealed record WixErrorDetails(WixValidationError? ValidationError, WixApplicationError? ApplicationError);

public sealed record WixValidationError(IReadOnlyList<WixFieldViolation> FieldViolations);

/// <summary><c>data.type</c> is what the Wix SDK reads (for example <c>EMAIL</c> for an invalid email).</summary>
public sealed record WixFieldViolation(string Field, string Description, string ViolatedRule, string RuleName, IReadOnlyDictionary<string, string> Data);

/// <summary><c>code</c> is the Wix code the SDK branches on; <c>data.code</c> is Latchkey's stable catalog code.</summary>
public sealed record WixApplicationError(string Code, string Description, WixErrorData Data);

/// <summary><c>docs</c> names the page that explains <c>code</c> (<c>docs/errors/&lt;code&gt;.md</c>).</summary>
public sealed record WixErrorData(string Code, string Docs);

namespace Latchkey.Core.Errors;

/// <summary>
/// A validation problem on one field, in the Wix <c>fieldViolations</c> shape.
/// <paramref name="DataType"/> is echoed as <c>data.type</c> (the Wix SDK maps <c>EMAIL</c> to <c>invalidEmail</c>).
/// </summary>
public sealed record FieldViolation(string Field, string Description, string ViolatedRule, string RuleName, string? DataType = null);

using System.Diagnostics.CodeAnalysis;

namespace Latchkey.Core.Errors;

/// <summary>
/// Expected failures are values: a step returns either a value or a catalog error. The compiler knows which after
/// <see cref="IsSuccess"/> (or <see cref="IsFailure"/>) is tested, so neither side needs a <c>!</c>.
/// </summary>
public readonly struct Result<T>
{
    private Result(T? value, LatchkeyError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public LatchkeyError? Error { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    [MemberNotNullWhen(false, nameof(Value))]
    [MemberNotNullWhen(true, nameof(Error))]
    public bool IsFailure => Error is not null;

    /// <summary>
    /// The value of a result that cannot fail where it is read (a record just created, say); a failure there is a bug,
    /// so it throws instead of passing on a null.
    /// </summary>
    public T ValueOrThrow() => IsSuccess ? Value : throw new InvalidOperationException($"Expected a value, got {Error.Code}: {Error.Message}");

    public static implicit operator Result<T>(T value) => new(value, null);

    public static implicit operator Result<T>(LatchkeyError error) => new(default, error);
}

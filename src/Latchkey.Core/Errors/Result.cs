namespace Latchkey.Core.Errors;

/// <summary>Expected failures are values: a step returns either a value or a catalog error.</summary>
public readonly struct Result<T>
{
    private Result(T? value, LatchkeyError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public LatchkeyError? Error { get; }

    public bool IsSuccess => Error is null;

    public static implicit operator Result<T>(T value) => new(value, null);

    public static implicit operator Result<T>(LatchkeyError error) => new(default, error);
}

namespace Latchkey.Core.AbuseProtection;

/// <summary><c>off</c>: never asked; <c>always</c>: on every listed action; <c>risk</c>: after failures from an IP or on an account.</summary>
public enum CaptchaMode
{
    Off = 0,
    Always = 1,
    Risk = 2,
}

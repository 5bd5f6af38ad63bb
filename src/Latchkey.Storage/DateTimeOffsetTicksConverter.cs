using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Latchkey.Storage;

/// <summary>Stores a <see cref="DateTimeOffset"/> as UTC ticks (a 64-bit integer).</summary>
public sealed class DateTimeOffsetTicksConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.UtcTicks,
    ticks => new DateTimeOffset(ticks, TimeSpan.Zero));

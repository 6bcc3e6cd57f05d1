package dev.bindery.cli;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads an RFC 3339 time with an offset ({@code 2027-01-31T00:00:00Z}, {@code 2027-01-31T09:00:00+09:00})
 * and {@link #format formats} it as the API writes times: UTC with milliseconds.
 */
public final class TimeConverter implements ITypeConverter<Instant> {
  private static final DateTimeFormatter API_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Override
  public Instant convert(String value) {
    try {
      return OffsetDateTime.parse(value.trim()).toInstant();
    } catch (DateTimeParseException e) {
      throw new TypeConversionException("'" + value + "' is not an RFC 3339 time such as"
          + " 2027-01-31T00:00:00Z");
    }
  }

  /** The API's form of a time: {@code 2027-01-31T00:00:00.000Z}. */
  public static String format(Instant time) {
    return API_TIME.format(time);
  }
}

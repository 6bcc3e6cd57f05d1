package dev.bindery.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration option as whole seconds: a number of seconds ({@code 86400}) or a number with a unit,
 * {@code s}, {@code m}, {@code h} or {@code d} ({@code 90s}, {@code 30m}, {@code 24h}, {@code 90d}). Zero,
 * negative and larger than 100 years are refused.
 */
public final class DurationConverter implements ITypeConverter<Long> {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,12})([smhd]?)");
  private static final long MAX_SECONDS = 100L * 366 * 24 * 3600;

  @Override
  public Long convert(String value) {
    Matcher m = DURATION.matcher(value.trim());
    if (!m.matches()) {
      throw new TypeConversionException("'" + value + "' is not a duration: give seconds (3600) or a number"
          + " with s, m, h or d (24h, 90d)");
    }
    long number = Long.parseLong(m.group(1));
    long unit = switch (m.group(2)) {
      case "m" -> 60;
      case "h" -> 3600;
      case "d" -> 86400;
      default -> 1;
    };
    if (number == 0 || number > MAX_SECONDS / unit) {
      throw new TypeConversionException("'" + value + "' must be longer than zero and at most 100 years");
    }
    return number * unit;
  }
}

package dev.bindery.cli.credential;

import dev.bindery.common.RejectedException;
import dev.bindery.pki.RevocationReason;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code --reason} as an RFC 5280 reason in the API's spelling ({@code key_compromise}, ...). */
final class RevocationReasonConverter implements ITypeConverter<RevocationReason> {
  @Override
  public RevocationReason convert(String value) {
    try {
      return RevocationReason.parse(value.trim().toLowerCase(Locale.ROOT));
    } catch (RejectedException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}

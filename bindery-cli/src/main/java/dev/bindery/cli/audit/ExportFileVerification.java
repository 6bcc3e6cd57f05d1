package dev.bindery.cli.audit;

import dev.bindery.audit.AuditVerifier;
import dev.bindery.audit.VerificationResult;
import java.io.BufferedReader;
import java.io.IOException;

/**
 * Verifies an audit export read line by line with the core {@link AuditVerifier}: the chain must start at
 * sequence number 1 (a complete export) and every event must link to the previous one and match its own
 * hash. A line that is not an audit event breaks the chain at the sequence number expected there. Blank
 * lines are skipped. An export cannot show that events were cut off its end; the server's verification,
 * which also checks the separately kept head of the chain, can.
 */
public final class ExportFileVerification {
  private ExportFileVerification() {}

  public static VerificationResult verify(BufferedReader lines) throws IOException {
    AuditVerifier verifier = new AuditVerifier();
    long accepted = 0;
    long lineNumber = 0;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      try {
        if (!verifier.accept(ExportedEventParser.parse(line))) {
          break;
        }
        accepted++;
      } catch (ExportedEventParser.NotAnEvent e) {
        // while the chain is intact, the verifier has accepted events 1..accepted and expects the next
        return VerificationResult.broken(accepted, accepted + 1,
            "line " + lineNumber + " is not an audit event: " + e.getMessage());
      }
    }
    return verifier.finish(null);
  }
}

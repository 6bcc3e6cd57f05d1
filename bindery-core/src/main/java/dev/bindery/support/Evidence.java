package dev.bindery.support;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.identity.Text;
import dev.bindery.operator.OperatorId;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The evidence a support action is made on (docs/support-desk.md, "Evidence"): the ticket it belongs to, who called,
 * and how that caller was verified out of band. Only {@link #validate} builds one from what a caller sent; it checks
 * every field and refuses with one {@code 422 evidence_missing} whose message names every missing or invalid field,
 * so an agent learns all gaps at once.
 *
 * @param ticket the ticket reference, matching {@link SupportSettings#ticketPattern()} when it was given
 * @param claimedRequester who contacted the desk, free text (at most {@value #MAX_REQUESTER})
 */
public record Evidence(String ticket, String claimedRequester, Verification verification) {
  public static final int MAX_REQUESTER = 200;
  public static final int MAX_REFERENCE = 200;

  /**
   * The out-of-band verification of the requester.
   *
   * @param reference where the verification is recorded (a call log entry, the manager's mail id...), free text
   * @param verifiedBy the operator who did the verification
   * @param verifiedAt when it was done
   */
  public record Verification(VerificationMethod method, String reference, OperatorId verifiedBy, Instant verifiedAt) {
    public Verification {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(verifiedBy, "verifiedBy");
      Objects.requireNonNull(verifiedAt, "verifiedAt");
      reference = Text.required("verification.reference", reference, MAX_REFERENCE);
    }
  }

  public Evidence {
    Objects.requireNonNull(verification, "verification");
    ticket = Text.required("ticket", ticket, 64);
    claimedRequester = Text.required("claimed_requester", claimedRequester, MAX_REQUESTER);
  }

  /**
   * The evidence as sent by a caller, every member as text (null when absent), before validation. {@code verifiedAt}
   * is an ISO-8601 instant ({@code 2026-12-01T09:30:00Z}).
   */
  public record Submitted(String ticket, String claimedRequester, String method, String reference,
      String verifiedBy, String verifiedAt) {}

  /**
   * Validates submitted evidence against the settings at {@code now}: the ticket is present and matches the ticket
   * pattern; the claimed requester is present (at most 200 characters, no control characters); the verification's
   * method is one of {@code callback}, {@code manager_confirmation}, {@code verified_credential}, {@code in_person};
   * its reference is present (at most 200 characters); {@code verified_by} is an operator id; {@code verified_at} is
   * an instant not after {@code now} and not older than {@link SupportSettings#evidenceMaxAge()}.
   *
   * @throws RejectedException {@code evidence_missing}, naming every missing or invalid field (field
   *     {@code evidence}); {@code submitted} null counts as everything missing
   */
  public static Evidence validate(Submitted submitted, SupportSettings settings, Instant now) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(now, "now");
    Submitted s = submitted == null ? new Submitted(null, null, null, null, null, null) : submitted;
    List<String> gaps = new ArrayList<>();
    String ticket = text(s.ticket(), 64, "ticket", gaps);
    if (ticket != null && !settings.ticketPattern().matcher(ticket).matches()) {
      gaps.add("ticket (does not match the ticket format " + settings.ticketPattern().pattern() + ")");
      ticket = null;
    }
    String requester = text(s.claimedRequester(), MAX_REQUESTER, "claimed_requester", gaps);
    VerificationMethod method = null;
    if (blank(s.method())) {
      gaps.add("verification.method (missing)");
    } else {
      method = VerificationMethod.find(s.method()).orElse(null);
      if (method == null) {
        gaps.add("verification.method (must be one of callback, manager_confirmation, verified_credential, "
            + "in_person)");
      }
    }
    String reference = text(s.reference(), MAX_REFERENCE, "verification.reference", gaps);
    OperatorId verifiedBy = null;
    if (blank(s.verifiedBy())) {
      gaps.add("verification.verified_by (missing)");
    } else {
      try {
        verifiedBy = OperatorId.parse(s.verifiedBy().strip());
      } catch (RejectedException e) {
        gaps.add("verification.verified_by (not an operator id)");
      }
    }
    Instant verifiedAt = null;
    if (blank(s.verifiedAt())) {
      gaps.add("verification.verified_at (missing)");
    } else {
      try {
        verifiedAt = Instant.parse(s.verifiedAt().strip());
        Duration maxAge = settings.evidenceMaxAge();
        if (verifiedAt.isAfter(now)) {
          gaps.add("verification.verified_at (in the future)");
          verifiedAt = null;
        } else if (Duration.between(verifiedAt, now).compareTo(maxAge) > 0) {
          gaps.add("verification.verified_at (older than " + maxAge.toHours() + " hours)");
          verifiedAt = null;
        }
      } catch (DateTimeParseException e) {
        gaps.add("verification.verified_at (not an ISO-8601 instant)");
      }
    }
    if (!gaps.isEmpty()) {
      throw new RejectedException(ErrorCode.EVIDENCE_MISSING,
          "the support action lacks evidence: " + String.join(", ", gaps), "evidence");
    }
    return new Evidence(ticket, requester, new Verification(method, reference, verifiedBy, verifiedAt));
  }

  private static String text(String value, int max, String field, List<String> gaps) {
    if (blank(value)) {
      gaps.add(field + " (missing)");
      return null;
    }
    try {
      return Text.required(field, value, max);
    } catch (RejectedException e) {
      gaps.add(field + " (" + (value.strip().length() > max ? "at most " + max + " characters"
          : "contains control characters") + ")");
      return null;
    }
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}

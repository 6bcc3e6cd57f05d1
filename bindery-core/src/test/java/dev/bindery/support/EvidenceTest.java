package dev.bindery.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EvidenceTest {
  static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  static final String VERIFIER = "op_aaaaaaaaaaaaaaaaaaaaaaaaaa";

  static Evidence.Submitted valid() {
    return new Evidence.Submitted("INC-4711", "Jane Doe", "manager_confirmation", "mail 123", VERIFIER,
        "2026-12-01T09:00:00Z");
  }

  static RejectedException refused(Evidence.Submitted s, SupportSettings settings) {
    RejectedException e = catchThrowableOfType(RejectedException.class, () -> Evidence.validate(s, settings, NOW));
    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.EVIDENCE_MISSING);
    return e;
  }

  @Test
  void validate_complete_buildsTheEvidence() {
    Evidence e = Evidence.validate(valid(), SupportSettings.DEFAULT, NOW);

    assertThat(e.ticket()).isEqualTo("INC-4711");
    assertThat(e.claimedRequester()).isEqualTo("Jane Doe");
    assertThat(e.verification().method()).isEqualTo(VerificationMethod.MANAGER_CONFIRMATION);
    assertThat(e.verification().verifiedBy().value()).isEqualTo(VERIFIER);
    assertThat(e.verification().verifiedAt()).isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"inc-4711", "INC4711", "I-1", "INC-", "INC-12345678901", "ABCDEFGHIJKLMNOPQ-1", " INC-1x"})
  void validate_ticketNotMatchingTheDefaultPattern_refused(String ticket) {
    Evidence.Submitted v = valid();
    RejectedException e = refused(new Evidence.Submitted(ticket, v.claimedRequester(), v.method(), v.reference(),
        v.verifiedBy(), v.verifiedAt()), SupportSettings.DEFAULT);
    assertThat(e.getMessage()).contains("ticket (does not match the ticket format");
  }

  @Test
  void validate_withAConfiguredPattern_usesIt() {
    SupportSettings custom = SupportSettings.DEFAULT.withTicketPattern("^SN[0-9]{7}$");
    Evidence.Submitted v = valid();
    Evidence.Submitted sn = new Evidence.Submitted("SN0012345", v.claimedRequester(), v.method(), v.reference(),
        v.verifiedBy(), v.verifiedAt());

    assertThat(Evidence.validate(sn, custom, NOW).ticket()).isEqualTo("SN0012345");
    refused(v, custom);
  }

  @Test
  void validate_verifiedAtInTheFutureOrOlderThanTheMaximum_refused() {
    Evidence.Submitted v = valid();
    assertThat(refused(new Evidence.Submitted(v.ticket(), v.claimedRequester(), v.method(), v.reference(),
        v.verifiedBy(), NOW.plusSeconds(1).toString()), SupportSettings.DEFAULT).getMessage())
        .endsWith("verification.verified_at (in the future)");
    assertThat(refused(new Evidence.Submitted(v.ticket(), v.claimedRequester(), v.method(), v.reference(),
        v.verifiedBy(), NOW.minus(Duration.ofHours(24)).minusSeconds(1).toString()), SupportSettings.DEFAULT)
        .getMessage()).endsWith("verification.verified_at (older than 24 hours)");
    assertThat(refused(new Evidence.Submitted(v.ticket(), v.claimedRequester(), v.method(), v.reference(),
        v.verifiedBy(), "yesterday"), SupportSettings.DEFAULT).getMessage())
        .endsWith("verification.verified_at (not an ISO-8601 instant)");
    // exactly the maximum age is accepted
    assertThat(Evidence.validate(new Evidence.Submitted(v.ticket(), v.claimedRequester(), v.method(), v.reference(),
        v.verifiedBy(), NOW.minus(Duration.ofHours(24)).toString()), SupportSettings.DEFAULT, NOW)).isNotNull();
  }

  @Test
  void validate_overlongOrControlCharacters_refusedNamingTheField() {
    Evidence.Submitted v = valid();
    RejectedException e = refused(new Evidence.Submitted(v.ticket(), "x".repeat(201), v.method(), "a\u0007b",
        v.verifiedBy(), v.verifiedAt()), SupportSettings.DEFAULT);

    assertThat(e.getMessage()).isEqualTo("the support action lacks evidence: claimed_requester (at most 200 "
        + "characters), verification.reference (contains control characters)");
  }

  @Test
  void verificationMethod_everyWireName() {
    assertThat(VerificationMethod.values()).extracting(VerificationMethod::wire)
        .containsExactly("callback", "manager_confirmation", "verified_credential", "in_person");
  }
}

package dev.bindery.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.credential.Assurance;
import dev.bindery.credential.CredentialId;
import dev.bindery.credential.CredentialType;
import dev.bindery.credential.Thumbprint;
import dev.bindery.identity.IdentityId;
import dev.bindery.operator.OperatorId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The change request aggregate: what is missing, when it becomes approved, terminal states, the digest. */
class ChangeRequestTest {
  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  static final ChangeRequestId ID = new ChangeRequestId("chg_aaaaaaaaaaaaaaaaaaaaaaaaaa");
  static final IdentityId TARGET = new IdentityId("nhi_bbbbbbbbbbbbbbbbbbbbbbbbbb");
  static final CredentialId OLD_A = new CredentialId("cred_cccccccccccccccccccccccccc");
  static final CredentialId OLD_B = new CredentialId("cred_dddddddddddddddddddddddddd");
  static final OperatorId REQUESTER = new OperatorId("op_eeeeeeeeeeeeeeeeeeeeeeeeee");
  static final OperatorId OWNER = new OperatorId("op_ffffffffffffffffffffffffff");
  static final OperatorId OFFICER = new OperatorId("op_gggggggggggggggggggggggggg");
  static final Thumbprint KEY = new Thumbprint("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  static final ProposedCredential PROPOSED = new ProposedCredential(CredentialType.X509_SVID, "csr", null, KEY,
      "EC P-256", Assurance.SOFTWARE, null, null);

  static ChangeRequest request(Requirements required, Instant stepUp) {
    return ChangeRequest.open(ID, ChangeType.RECOVER, Channel.REBINDING, TARGET, 3, Requester.operator(REQUESTER),
        "lost key", PROPOSED, List.of(OLD_B, OLD_A), false, required, null, stepUp, T0, T0.plus(Duration.ofHours(24)));
  }

  @Test
  void missing_approvalsByRoleThenApprovedWhenComplete() {
    ChangeRequest r = request(new Requirements(false, false, List.of(ApproverRole.OWNER, ApproverRole.SECURITY_OFFICER),
        false), null);
    assertThat(r.state()).isEqualTo(ChangeState.PENDING);
    assertThat(r.missing()).containsExactly("approval:owner", "approval:security_officer");

    ChangeRequest one = r.withApproval(new Approval(OWNER, ApproverRole.OWNER, T0, T0, null));
    assertThat(one.state()).isEqualTo(ChangeState.PENDING);
    assertThat(one.version()).isEqualTo(2);
    assertThat(one.needsApprovalAs(ApproverRole.OWNER)).isFalse();
    assertThat(one.needsApprovalAs(ApproverRole.SECURITY_OFFICER)).isTrue();

    ChangeRequest both = one.withApproval(new Approval(OFFICER, ApproverRole.SECURITY_OFFICER, T0, T0, "ok"));
    assertThat(both.state()).isEqualTo(ChangeState.APPROVED);
    assertThat(both.missing()).isEmpty();
    assertThatThrownBy(() -> both.withApproval(new Approval(OWNER, ApproverRole.OWNER, T0, T0, null)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one approval");
  }

  @Test
  void stepUpOrOwner_metByTheRequestersStepUpOrAnOwnerApproval() {
    Requirements rotate2 = new Requirements(true, true, List.of(), false);
    assertThat(request(rotate2, null).missing()).containsExactly("continuity", "step_up_or_owner");
    assertThat(request(rotate2, T0).missing()).containsExactly("continuity");
    assertThat(request(rotate2, null).withApproval(new Approval(OWNER, ApproverRole.OWNER, T0, T0, null)).missing())
        .containsExactly("continuity");
    assertThat(request(rotate2, null).withContinuity(new ContinuityProof(ContinuityProof.Method.CHALLENGE_SIGNATURE,
        OLD_A, T0)).withRequesterStepUp(T0).state()).isEqualTo(ChangeState.APPROVED);
  }

  @Test
  void noRequirementLeft_openedApproved() {
    ChangeRequest r = ChangeRequest.open(ID, ChangeType.ROTATE, Channel.REBINDING, TARGET, 1,
        Requester.workload(TARGET), "rotate", PROPOSED, List.of(OLD_A), false,
        new Requirements(true, false, List.of(), false),
        new ContinuityProof(ContinuityProof.Method.MUTUAL_TLS, OLD_A, T0), null, T0, T0.plusSeconds(60));
    assertThat(r.state()).isEqualTo(ChangeState.APPROVED);
  }

  @Test
  void terminalStates_resolvedOnceAndNeverChangedAgain() {
    ChangeRequest r = request(new Requirements(false, false, List.of(ApproverRole.OWNER), false), null);
    ChangeRequest cancelled = r.resolved(ChangeState.CANCELLED, "op_x", T0.plusSeconds(5));

    assertThat(cancelled.state()).isEqualTo(ChangeState.CANCELLED);
    assertThat(cancelled.resolvedAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(cancelled.open()).isFalse();
    assertThat(cancelled.expiredAt(T0.plus(Duration.ofDays(2)))).isFalse();
    assertThatThrownBy(() -> cancelled.resolved(ChangeState.REJECTED, "x", T0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> cancelled.withApproval(new Approval(OWNER, ApproverRole.OWNER, T0, T0, null)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> r.applied(new ChangeResult(OLD_A, List.of()), "x", T0))
        .as("only an approved request is applied").isInstanceOf(IllegalStateException.class);
    assertThat(r.expiredAt(T0.plus(Duration.ofHours(24)))).isTrue();
    assertThat(r.expiredAt(T0.plus(Duration.ofHours(24)).minusNanos(1))).isFalse();
  }

  @Test
  void digest_sortedReplacesFixedVector() {
    // base64url(SHA-256("chg_a...\nrecover\nnhi_b...\n<key thumbprint>\ncred_c... cred_d...")), computed with Python's
    // hashlib: the replaced ids are sorted although the request lists them as (d, c)
    assertThat(request(new Requirements(false, false, List.of(ApproverRole.OWNER), false), null).digest())
        .isEqualTo("cyt5bT7DYnXeX5SZvWQjNiXeplUGLnwBFE7Vcwe3x8g");
  }
}

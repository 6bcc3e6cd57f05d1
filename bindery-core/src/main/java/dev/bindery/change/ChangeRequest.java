package dev.bindery.change;

import dev.bindery.common.Hashing;
import dev.bindery.credential.CredentialId;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.Text;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request to re-bind an identity: attach {@link #proposed} in place of the credentials in {@link #replaces}
 * (docs/rebinding.md). Immutable; every change builds a new value with {@code version + 1}, which persistence uses
 * for optimistic concurrency. Only an open request ({@code pending} or {@code approved}) changes.
 *
 * @param targetVersion the target identity's version when the request was made; apply refuses if it changed
 * @param requesterStepUpAt the requesting operator's step-up time if it was fresh when the request was made (or
 *     when it was applied), which meets a {@code step_up_or_owner} requirement; null otherwise
 * @param resolvedBy who moved the request to a terminal state (an operator id, an identity id or {@code system})
 * @param result what applying did (state {@code applied} only)
 */
public record ChangeRequest(
    ChangeRequestId id,
    ChangeType type,
    Channel channel,
    IdentityId target,
    long targetVersion,
    Requester requester,
    String reason,
    ProposedCredential proposed,
    List<CredentialId> replaces,
    boolean downgrade,
    Requirements required,
    ContinuityProof continuity,
    List<Approval> approvals,
    ChangeState state,
    Instant requesterStepUpAt,
    Instant createdAt,
    Instant expiresAt,
    Instant resolvedAt,
    String resolvedBy,
    ChangeResult result,
    long version) {

  public static final int MAX_REASON = 1000;
  /** At most this many credentials are replaced by one request. */
  public static final int MAX_REPLACES = 20;

  public ChangeRequest {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(requester, "requester");
    Objects.requireNonNull(proposed, "proposed");
    Objects.requireNonNull(required, "required");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    reason = Text.required("reason", reason, MAX_REASON);
    replaces = List.copyOf(replaces);
    approvals = List.copyOf(approvals);
    if (replaces.isEmpty() || replaces.size() > MAX_REPLACES || new HashSet<>(replaces).size() != replaces.size()) {
      throw new IllegalArgumentException("a change request replaces 1 to " + MAX_REPLACES + " distinct credentials");
    }
    if (new HashSet<>(approvals.stream().map(Approval::operator).toList()).size() != approvals.size()) {
      throw new IllegalArgumentException("one operator gives at most one approval");
    }
    if (!expiresAt.isAfter(createdAt)) {
      throw new IllegalArgumentException("a change request expires after it is made");
    }
    if (state.open() == (resolvedAt != null) || state.open() == (resolvedBy != null)) {
      throw new IllegalArgumentException("a request is resolved exactly when its state is terminal");
    }
    if ((state == ChangeState.APPLIED) != (result != null)) {
      throw new IllegalArgumentException("a result is set exactly for an applied request");
    }
    if (targetVersion < 1 || version < 1) {
      throw new IllegalArgumentException("versions start at 1");
    }
  }

  /** A new request in state {@code pending}, or {@code approved} if nothing more is needed. */
  public static ChangeRequest open(ChangeRequestId id, ChangeType type, Channel channel, IdentityId target,
      long targetVersion, Requester requester, String reason, ProposedCredential proposed,
      List<CredentialId> replaces, boolean downgrade, Requirements required, ContinuityProof continuity,
      Instant requesterStepUpAt, Instant createdAt, Instant expiresAt) {
    ChangeRequest r = new ChangeRequest(id, type, channel, target, targetVersion, requester, reason, proposed,
        replaces, downgrade, required, continuity, List.of(), ChangeState.PENDING, requesterStepUpAt, createdAt,
        expiresAt, null, null, null, 1);
    return r.missing().isEmpty() ? r.withState(ChangeState.APPROVED) : r;
  }

  public boolean open() {
    return state.open();
  }

  /** True if the request is open and {@code now} is at or after its expiry. */
  public boolean expiredAt(Instant now) {
    return open() && !now.isBefore(expiresAt);
  }

  /**
   * What the request still needs, as stable names: {@code continuity}, {@code step_up_or_owner}, and
   * {@code approval:<role>} once per missing approval. Empty when everything required is there.
   */
  public List<String> missing() {
    List<String> out = new ArrayList<>();
    if (required.continuity() && continuity == null) {
      out.add("continuity");
    }
    if (required.stepUpOrOwner() && requesterStepUpAt == null
        && approvals.stream().noneMatch(a -> a.role() == ApproverRole.OWNER)) {
      out.add("step_up_or_owner");
    }
    out.addAll(required.missingApprovals(approvals));
    return out;
  }

  /** True if an approval in {@code role} would still count towards the requirements. */
  public boolean needsApprovalAs(ApproverRole role) {
    return missing().contains("approval:" + role.wire())
        || (role == ApproverRole.OWNER && missing().contains("step_up_or_owner"));
  }

  public ChangeRequest withApproval(Approval approval) {
    requireOpen();
    List<Approval> all = new ArrayList<>(approvals);
    all.add(approval);
    return recomputed(new ChangeRequest(id, type, channel, target, targetVersion, requester, reason, proposed,
        replaces, downgrade, required, continuity, all, state, requesterStepUpAt, createdAt, expiresAt, null, null,
        null, version + 1));
  }

  public ChangeRequest withContinuity(ContinuityProof proof) {
    requireOpen();
    return recomputed(new ChangeRequest(id, type, channel, target, targetVersion, requester, reason, proposed,
        replaces, downgrade, required, Objects.requireNonNull(proof), approvals, state, requesterStepUpAt, createdAt,
        expiresAt, null, null, null, version + 1));
  }

  /** The requesting operator stepped up when applying, which meets {@code step_up_or_owner}. */
  public ChangeRequest withRequesterStepUp(Instant stepUpAt) {
    requireOpen();
    return recomputed(new ChangeRequest(id, type, channel, target, targetVersion, requester, reason, proposed,
        replaces, downgrade, required, continuity, approvals, state, Objects.requireNonNull(stepUpAt), createdAt,
        expiresAt, null, null, null, version + 1));
  }

  /** Moves an open request to {@code rejected}, {@code expired} or {@code cancelled}. */
  public ChangeRequest resolved(ChangeState terminal, String by, Instant at) {
    requireOpen();
    if (terminal.open() || terminal == ChangeState.APPLIED) {
      throw new IllegalArgumentException("resolve to rejected, expired or cancelled; apply with applied()");
    }
    return new ChangeRequest(id, type, channel, target, targetVersion, requester, reason, proposed, replaces,
        downgrade, required, continuity, approvals, terminal, requesterStepUpAt, createdAt, expiresAt, at,
        Objects.requireNonNull(by), null, version + 1);
  }

  /** Marks an approved request applied. */
  public ChangeRequest applied(ChangeResult outcome, String by, Instant at) {
    if (state != ChangeState.APPROVED) {
      throw new IllegalStateException("only an approved request is applied");
    }
    return new ChangeRequest(id, type, channel, target, targetVersion, requester, reason, proposed, replaces,
        downgrade, required, continuity, approvals, ChangeState.APPLIED, requesterStepUpAt, createdAt, expiresAt, at,
        Objects.requireNonNull(by), Objects.requireNonNull(outcome), version + 1);
  }

  /**
   * The request digest a continuity proof signs ({@code req}): base64url(SHA-256) of the UTF-8 canonical form
   * {@code id LF type LF target LF key_thumbprint LF replaces}, where {@code replaces} are the replaced credential
   * ids sorted and joined by single spaces. Every part is a fixed-alphabet identifier, so the form is unambiguous.
   */
  public String digest() {
    return digest(id.value(), type.wire(), target.value(), proposed.keyThumbprint().value(),
        replaces.stream().map(CredentialId::value).toList());
  }

  /**
   * The request digest of {@link #digest()} from its parts as the API shows them, for a holder who checks what a
   * challenge asks it to sign before signing (the command-line client does).
   */
  public static String digest(String id, String type, String target, String keyThumbprint,
      Collection<String> replaces) {
    String canonical = String.join("\n", id, type, target, keyThumbprint,
        String.join(" ", replaces.stream().sorted().toList()));
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(Hashing.sha256(canonical.getBytes(StandardCharsets.UTF_8)));
  }

  /** The before/after record of a state change for audit details. */
  public static Map<String, Object> stateChange(ChangeRequest before, ChangeRequest after) {
    return ChangeState.transition(before.state(), after.state());
  }

  private void requireOpen() {
    if (!open()) {
      throw new IllegalStateException("change request " + id + " is " + state.wire());
    }
  }

  private ChangeRequest withState(ChangeState next) {
    return new ChangeRequest(id, type, channel, target, targetVersion, requester, reason, proposed, replaces,
        downgrade, required, continuity, approvals, next, requesterStepUpAt, createdAt, expiresAt, null, null, null,
        version);
  }

  private static ChangeRequest recomputed(ChangeRequest r) {
    return r.state == ChangeState.PENDING && r.missing().isEmpty() ? r.withState(ChangeState.APPROVED) : r;
  }
}

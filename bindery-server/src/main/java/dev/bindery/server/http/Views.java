package dev.bindery.server.http;

import dev.bindery.audit.AuditEvent;
import dev.bindery.change.AppliedChange;
import dev.bindery.change.Approval;
import dev.bindery.change.ApproverRole;
import dev.bindery.change.Binding;
import dev.bindery.change.ChangeRequest;
import dev.bindery.change.ChangeRequestView;
import dev.bindery.change.IssuedChallenge;
import dev.bindery.change.ProposedCredential;
import dev.bindery.credential.CredentialId;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialType;
import dev.bindery.credential.CredentialView;
import dev.bindery.credential.IssuedApiKey;
import dev.bindery.credential.IssuedEnrolmentCode;
import dev.bindery.credential.IssuedSvid;
import dev.bindery.credential.LeakReport;
import dev.bindery.credential.RotationPolicy;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityAudit;
import dev.bindery.identity.SubjectLink;
import dev.bindery.operator.IssuedToken;
import dev.bindery.operator.Operator;
import dev.bindery.operator.OperatorToken;
import dev.bindery.operator.Role;
import dev.bindery.operator.Team;
import dev.bindery.pki.Pem;
import dev.bindery.identity.TeamId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** The JSON shapes of docs/api.md, built from domain values. Nothing secret is ever put in a view except the
 * one-time values of the responses that issue them ({@link #issuedToken}, {@link #issuedEnrolmentCode},
 * {@link #issuedApiKey}), which add them explicitly. */
public final class Views {
  private Views() {}

  public static Map<String, Object> identity(Identity i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", i.id().value());
    m.put("kind", i.kind().wire());
    m.put("name", i.name());
    m.put("description", i.description());
    m.put("tenant", i.tenant());
    m.put("contact", i.contact());
    m.put("labels", new TreeMap<>(i.labels()));
    m.put("owner_team", i.ownership().owningTeam().value());
    m.put("backup_owner", i.ownership().backupOwner().wire());
    m.put("scopes", IdentityAudit.scopes(i));
    m.put("assurance_level", i.assuranceLevel());
    m.put("status", i.status().wire());
    m.put("status_reason", i.statusReason());
    m.put("predecessor", i.predecessor() == null ? null : i.predecessor().value());
    m.put("version", i.version());
    m.put("created_at", Json.time(i.createdAt()));
    m.put("updated_at", Json.time(i.updatedAt()));
    return m;
  }

  public static Map<String, Object> link(SubjectLink l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("issuer", l.subject().issuer());
    m.put("subject", l.subject().subject());
    m.put("identity_id", l.identityId().value());
    m.put("linked_at", Json.time(l.linkedAt()));
    return m;
  }

  public static Map<String, Object> operator(Operator o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", o.id().value());
    m.put("name", o.name());
    m.put("roles", o.roles().stream().map(Role::wire).sorted().toList());
    m.put("teams", o.teams().stream().map(TeamId::value).sorted().toList());
    m.put("status", o.status().wire());
    m.put("version", o.version());
    m.put("created_at", Json.time(o.createdAt()));
    m.put("updated_at", Json.time(o.updatedAt()));
    return m;
  }

  public static Map<String, Object> token(OperatorToken t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", t.id());
    m.put("operator_id", t.operatorId().value());
    m.put("description", t.description());
    m.put("created_at", Json.time(t.createdAt()));
    m.put("expires_at", Json.time(t.expiresAt()));
    m.put("revoked_at", Json.time(t.revokedAt()));
    m.put("last_used_at", Json.time(t.lastUsedAt()));
    return m;
  }

  /** The only view that carries a secret: shown once, in the response that issues the token. */
  public static Map<String, Object> issuedToken(IssuedToken issued) {
    Map<String, Object> m = token(issued.token());
    m.put("value", issued.value().reveal());
    return m;
  }

  public static Map<String, Object> team(Team t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", t.id().value());
    m.put("display_name", t.displayName());
    m.put("created_at", Json.time(t.createdAt()));
    return m;
  }

  /** Credential JSON of docs/api.md: never a secret or a private key; {@code generation} null but for SVIDs. */
  public static Map<String, Object> credential(CredentialView view) {
    Credential c = view.credential();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.id().value());
    m.put("identity_id", c.identityId().value());
    m.put("type", c.type().wire());
    m.put("status", c.status().wire());
    m.put("usable", view.usable());
    m.put("lineage_id", c.lineageId() == null ? null : c.lineageId().value());
    m.put("generation", c.type() == CredentialType.X509_SVID ? c.generation() : null);
    m.put("serial", c.serialHex());
    m.put("thumbprint", c.thumbprint() == null ? null : c.thumbprint().value());
    m.put("key_type", c.keyType());
    m.put("not_before", Json.time(c.notBefore()));
    m.put("not_after", Json.time(c.notAfter()));
    m.put("bound_by", c.boundBy());
    m.put("bound_at", Json.time(c.boundAt()));
    m.put("bind_method", c.bindMethod().wire());
    m.put("assurance", c.assurance().wire());
    m.put("last_used_at", Json.time(c.lastUsedAt()));
    m.put("revoked_at", Json.time(c.revokedAt()));
    m.put("revocation_reason", c.revocationReason() == null ? null : c.revocationReason().apiName());
    m.put("superseded_by", c.supersededBy() == null ? null : c.supersededBy().value());
    m.put("display_prefix", c.displayPrefix());
    m.put("change_request_id", c.changeRequestId() == null ? null : c.changeRequestId().value());
    return m;
  }

  /** The answer to an enrolment or a renewal: certificates are public, the private key never came here. */
  public static Map<String, Object> issuedSvid(IssuedSvid issued) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("credential", credential(issued.credential()));
    m.put("spiffe_id", issued.spiffeId());
    m.put("certificate_pem", Pem.certificate(issued.certificate()));
    m.put("chain_pem", Pem.certificates(issued.chain()));
    return m;
  }

  /** Carries a secret: the code is shown once, in the response that creates it. */
  public static Map<String, Object> issuedEnrolmentCode(IssuedEnrolmentCode issued) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("code", issued.code().reveal());
    m.put("identity_id", issued.identityId().value());
    m.put("expires_at", Json.time(issued.expiresAt()));
    return m;
  }

  /** Carries a secret: the API key is shown once, in the response that creates it. */
  public static Map<String, Object> issuedApiKey(IssuedApiKey issued) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("credential", credential(issued.credential()));
    m.put("api_key", issued.value().reveal());
    return m;
  }

  public static Map<String, Object> rotationPolicy(RotationPolicy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("identity_kind", p.identityKind().wire());
    m.put("credential_type", p.credentialType().wire());
    m.put("max_lifetime_seconds", p.maxLifetime().toSeconds());
    m.put("rotate_after_seconds", p.rotateAfter().toSeconds());
    return m;
  }

  /**
   * A value that matched nothing answers {@code matched: false} and two empty lists, nothing else; a reported access
   * token adds {@code access_token} (its jti, identity and what became of it, never the token).
   */
  public static Map<String, Object> leakReport(LeakReport report) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("matched", report.matched());
    m.put("revoked", report.revoked().stream().map(Views::leakMatch).toList());
    m.put("already_revoked", report.alreadyRevoked().stream().map(Views::leakMatch).toList());
    if (report.accessToken() != null) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("jti", report.accessToken().jti());
      t.put("identity_id", report.accessToken().identityId().value());
      t.put("status", report.accessToken().outcome().wire());
      m.put("access_token", t);
    }
    return m;
  }

  private static Map<String, Object> leakMatch(LeakReport.Match match) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("credential_id", match.credentialId().value());
    m.put("identity_id", match.identityId().value());
    m.put("type", match.type().wire());
    return m;
  }

  /**
   * A change request as approvers see it (docs/api.md, "Re-binding"): what it proposes by key thumbprint, type and
   * level, what it replaces, what it needs and what it still misses. Never the CSR text, the JWK or the attestation
   * chain: the thumbprint and the verified assurance stand for them.
   */
  public static Map<String, Object> changeRequest(ChangeRequestView view) {
    ChangeRequest r = view.request();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id().value());
    m.put("type", r.type().wire());
    m.put("channel", r.channel().wire());
    m.put("target", r.target().value());
    m.put("target_version", r.targetVersion());
    Map<String, Object> requester = new LinkedHashMap<>();
    requester.put("kind", r.requester().kind().wire());
    requester.put("id", r.requester().id());
    m.put("requester", requester);
    m.put("reason", r.reason());
    ProposedCredential p = r.proposed();
    Map<String, Object> proposed = new LinkedHashMap<>();
    proposed.put("type", p.type().wire());
    proposed.put("key_thumbprint", p.keyThumbprint().value());
    proposed.put("key_type", p.keyType());
    proposed.put("credential_level", p.level());
    proposed.put("assurance", p.assurance().wire());
    proposed.put("attested", p.attestationPem() != null);
    proposed.put("expires_at", Json.time(p.expiresAt()));
    m.put("proposed", proposed);
    m.put("replaces", r.replaces().stream().map(CredentialId::value).toList());
    m.put("revocation_reason", r.type().revocationReason().apiName());
    m.put("downgrade", r.downgrade());
    Map<String, Object> required = new LinkedHashMap<>();
    required.put("continuity", r.required().continuity());
    required.put("step_up_or_owner", r.required().stepUpOrOwner());
    required.put("approvals", r.required().approvals().stream().map(ApproverRole::wire).toList());
    required.put("attested_key", r.required().attestedKey());
    m.put("required", required);
    m.put("missing", view.missing());
    if (r.continuity() == null) {
      m.put("continuity", null);
    } else {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("method", r.continuity().method().wire());
      c.put("credential_id", r.continuity().credentialId() == null ? null : r.continuity().credentialId().value());
      c.put("at", Json.time(r.continuity().at()));
      m.put("continuity", c);
    }
    List<Object> approvals = new ArrayList<>();
    for (Approval a : r.approvals()) {
      Map<String, Object> am = new LinkedHashMap<>();
      am.put("operator", a.operator().value());
      am.put("role", a.role().wire());
      am.put("at", Json.time(a.at()));
      am.put("step_up_at", Json.time(a.stepUpAt()));
      am.put("comment", a.comment());
      approvals.add(am);
    }
    m.put("approvals", approvals);
    m.put("requester_step_up_at", Json.time(r.requesterStepUpAt()));
    m.put("state", view.state().wire());
    m.put("created_at", Json.time(r.createdAt()));
    m.put("expires_at", Json.time(r.expiresAt()));
    m.put("resolved_at", Json.time(r.resolvedAt()));
    m.put("resolved_by", r.resolvedBy());
    if (r.result() == null) {
      m.put("result", null);
    } else {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("credential_id", r.result().credentialId().value());
      result.put("revoked", r.result().revoked().stream().map(CredentialId::value).toList());
      m.put("result", result);
    }
    m.put("version", r.version());
    return m;
  }

  /**
   * A continuity challenge, shown once: the holder signs {@code signing_input} plus {@code iat}. The nonce is the
   * only secret-like value here (single use, ten minutes at most, bound to the request; only its hash is stored).
   */
  public static Map<String, Object> challenge(IssuedChallenge c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("challenge_id", c.id().value());
    m.put("change_request_id", c.changeRequestId().value());
    m.put("nonce", c.nonce());
    m.put("expires_at", Json.time(c.expiresAt()));
    m.put("signing_input", c.signingInput());
    return m;
  }

  /**
   * What applying did: the applied request, the new credential and the credentials revoked; for an X.509-SVID also
   * the issued certificate and its chain, in the shape of an enrolment's answer.
   */
  public static Map<String, Object> appliedChange(AppliedChange applied, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("change_request", changeRequest(ChangeRequestView.at(applied.request(), now)));
    m.put("credential", credential(applied.credential()));
    m.put("revoked", applied.revoked().stream().map(CredentialId::value).toList());
    if (applied.svid() != null) {
      m.put("spiffe_id", applied.svid().spiffeId());
      m.put("certificate_pem", Pem.certificate(applied.svid().certificate()));
      m.put("chain_pem", Pem.certificates(applied.svid().chain()));
    }
    return m;
  }

  /** One entry of an identity's bindings history. */
  public static Map<String, Object> binding(Binding b) {
    Credential c = b.credential().credential();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.id().value());
    m.put("type", c.type().wire());
    m.put("thumbprint", c.thumbprint() == null ? null : c.thumbprint().value());
    m.put("key_type", c.keyType());
    m.put("serial", c.serialHex());
    m.put("credential_level", c.level());
    m.put("assurance", c.assurance().wire());
    m.put("bind_method", c.bindMethod().wire());
    m.put("bound_by", c.boundBy());
    m.put("bound_at", Json.time(c.boundAt()));
    m.put("change_request_id", c.changeRequestId() == null ? null : c.changeRequestId().value());
    m.put("status", c.status().wire());
    m.put("usable", b.credential().usable());
    m.put("not_after", Json.time(c.notAfter()));
    m.put("revoked_at", Json.time(c.revokedAt()));
    m.put("revocation_reason", c.revocationReason() == null ? null : c.revocationReason().apiName());
    m.put("successor", b.successor() == null ? null : b.successor().value());
    m.put("replaced_by_change_request", b.replacedBy() == null ? null : b.replacedBy().value());
    return m;
  }

  public static Map<String, Object> auditEvent(AuditEvent e) {
    return AuditJson.toMap(e);
  }

  public static <T> Map<String, Object> items(List<T> items, Function<T, Map<String, Object>> view) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Object> out = new ArrayList<>(items.size());
    items.forEach(i -> out.add(view.apply(i)));
    m.put("items", out);
    return m;
  }

  public static <T> Map<String, Object> page(List<T> items, Function<T, Map<String, Object>> view, String nextCursor) {
    Map<String, Object> m = items(items, view);
    m.put("next_cursor", nextCursor);
    return m;
  }
}

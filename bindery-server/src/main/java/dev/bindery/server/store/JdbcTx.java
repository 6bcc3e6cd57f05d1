package dev.bindery.server.store;

import dev.bindery.audit.AuditLog;
import dev.bindery.change.ChangeRequestRepository;
import dev.bindery.change.ContinuityChallengeRepository;
import dev.bindery.credential.CredentialRepository;
import dev.bindery.credential.EnrolmentCodeRepository;
import dev.bindery.credential.LineageRepository;
import dev.bindery.credential.RotationPolicyRepository;
import dev.bindery.identity.IdentityRepository;
import dev.bindery.oauth.ClientAssertionRepository;
import dev.bindery.notify.DisavowTokenRepository;
import dev.bindery.notify.NotificationRepository;
import dev.bindery.notify.WebhookRepository;
import dev.bindery.operator.OperatorRepository;
import dev.bindery.operator.OperatorTokenRepository;
import dev.bindery.operator.TeamRepository;
import dev.bindery.operator.TotpRepository;
import dev.bindery.operator.TotpResetRepository;
import dev.bindery.revocation.RevocationEventRepository;
import dev.bindery.store.Tx;
import dev.bindery.support.SupportActionRepository;
import dev.bindery.support.SupportAlertRepository;
import dev.bindery.support.RecoveryCodeRepository;
import dev.bindery.token.ResourceServerRepository;
import dev.bindery.token.SigningKeyRepository;
import dev.bindery.token.TokenPolicyRepository;
import org.jdbi.v3.core.Handle;

/** The repositories of one JDBC transaction, all on the same handle. */
final class JdbcTx implements Tx {
  private final Handle h;
  private final Runnable revocationCommitted;

  /** @param revocationCommitted runs after the commit of a transaction that appended a revocation event */
  JdbcTx(Handle h, Runnable revocationCommitted) {
    this.h = h;
    this.revocationCommitted = revocationCommitted;
  }

  @Override
  public IdentityRepository identities() {
    return new JdbcIdentityRepository(h);
  }

  @Override
  public OperatorRepository operators() {
    return new JdbcOperatorRepository(h);
  }

  @Override
  public TeamRepository teams() {
    return new JdbcTeamRepository(h);
  }

  @Override
  public OperatorTokenRepository operatorTokens() {
    return new JdbcOperatorTokenRepository(h);
  }

  @Override
  public TotpRepository totp() {
    return new JdbcTotpRepository(h);
  }

  @Override
  public AuditLog audit() {
    return new JdbcAuditLog(h);
  }

  @Override
  public CredentialRepository credentials() {
    return new JdbcCredentialRepository(h);
  }

  @Override
  public LineageRepository lineages() {
    return new JdbcLineageRepository(h);
  }

  @Override
  public EnrolmentCodeRepository enrolmentCodes() {
    return new JdbcEnrolmentCodeRepository(h);
  }

  @Override
  public RotationPolicyRepository rotationPolicies() {
    return new JdbcRotationPolicyRepository(h);
  }

  @Override
  public SigningKeyRepository signingKeys() {
    return new JdbcSigningKeyRepository(h);
  }

  @Override
  public ResourceServerRepository resourceServers() {
    return new JdbcResourceServerRepository(h);
  }

  @Override
  public TokenPolicyRepository tokenPolicies() {
    return new JdbcTokenPolicyRepository(h);
  }

  @Override
  public RevocationEventRepository revocationEvents() {
    return new JdbcRevocationEventRepository(h, revocationCommitted);
  }

  @Override
  public ChangeRequestRepository changeRequests() {
    return new JdbcChangeRequestRepository(h);
  }

  @Override
  public ContinuityChallengeRepository continuityChallenges() {
    return new JdbcContinuityChallengeRepository(h);
  }

  @Override
  public ClientAssertionRepository clientAssertions() {
    return new JdbcClientAssertionRepository(h);
  }

  @Override
  public WebhookRepository webhooks() {
    return new JdbcWebhookRepository(h);
  }

  @Override
  public NotificationRepository notifications() {
    return new JdbcNotificationRepository(h);
  }

  @Override
  public DisavowTokenRepository disavowTokens() {
    return new JdbcDisavowTokenRepository(h);
  }

  @Override
  public SupportActionRepository supportActions() {
    return new JdbcSupportActionRepository(h);
  }

  @Override
  public SupportAlertRepository supportAlerts() {
    return new JdbcSupportAlertRepository(h);
  }

  @Override
  public TotpResetRepository totpResets() {
    return new JdbcTotpResetRepository(h);
  }

  @Override
  public RecoveryCodeRepository recoveryCodes() {
    return new JdbcRecoveryCodeRepository(h);
  }
}

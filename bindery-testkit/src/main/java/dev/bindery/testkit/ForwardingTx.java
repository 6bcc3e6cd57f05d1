package dev.bindery.testkit;

import dev.bindery.audit.AuditLog;
import dev.bindery.change.ChangeRequestRepository;
import dev.bindery.change.ContinuityChallengeRepository;
import dev.bindery.credential.CredentialRepository;
import dev.bindery.credential.EnrolmentCodeRepository;
import dev.bindery.credential.LineageRepository;
import dev.bindery.credential.RotationPolicyRepository;
import dev.bindery.identity.IdentityRepository;
import dev.bindery.operator.OperatorRepository;
import dev.bindery.operator.OperatorTokenRepository;
import dev.bindery.operator.TeamRepository;
import dev.bindery.operator.TotpRepository;
import dev.bindery.revocation.RevocationEventRepository;
import dev.bindery.store.Tx;
import dev.bindery.token.ResourceServerRepository;
import dev.bindery.token.SigningKeyRepository;
import dev.bindery.token.TokenPolicyRepository;
import java.util.Objects;

/**
 * A {@link Tx} that hands out the repositories of another one; tests override one repository to inject a failure
 * inside a transaction (a failing audit append, a failing insert) and show that everything rolls back.
 */
public class ForwardingTx implements Tx {
  private final Tx delegate;

  public ForwardingTx(Tx delegate) {
    this.delegate = Objects.requireNonNull(delegate);
  }

  protected final Tx delegate() {
    return delegate;
  }

  @Override
  public IdentityRepository identities() {
    return delegate.identities();
  }

  @Override
  public OperatorRepository operators() {
    return delegate.operators();
  }

  @Override
  public TeamRepository teams() {
    return delegate.teams();
  }

  @Override
  public OperatorTokenRepository operatorTokens() {
    return delegate.operatorTokens();
  }

  @Override
  public TotpRepository totp() {
    return delegate.totp();
  }

  @Override
  public AuditLog audit() {
    return delegate.audit();
  }

  @Override
  public CredentialRepository credentials() {
    return delegate.credentials();
  }

  @Override
  public LineageRepository lineages() {
    return delegate.lineages();
  }

  @Override
  public EnrolmentCodeRepository enrolmentCodes() {
    return delegate.enrolmentCodes();
  }

  @Override
  public RotationPolicyRepository rotationPolicies() {
    return delegate.rotationPolicies();
  }

  @Override
  public SigningKeyRepository signingKeys() {
    return delegate.signingKeys();
  }

  @Override
  public ResourceServerRepository resourceServers() {
    return delegate.resourceServers();
  }

  @Override
  public TokenPolicyRepository tokenPolicies() {
    return delegate.tokenPolicies();
  }

  @Override
  public RevocationEventRepository revocationEvents() {
    return delegate.revocationEvents();
  }

  @Override
  public dev.bindery.oauth.ClientAssertionRepository clientAssertions() {
    return delegate.clientAssertions();
  }

  @Override
  public dev.bindery.notify.WebhookRepository webhooks() {
    return delegate.webhooks();
  }

  @Override
  public dev.bindery.notify.NotificationRepository notifications() {
    return delegate.notifications();
  }

  @Override
  public dev.bindery.notify.DisavowTokenRepository disavowTokens() {
    return delegate.disavowTokens();
  }

  @Override
  public dev.bindery.operator.TotpResetRepository totpResets() {
    return delegate.totpResets();
  }

  @Override
  public dev.bindery.support.RecoveryCodeRepository recoveryCodes() {
    return delegate.recoveryCodes();
  }

  @Override
  public ChangeRequestRepository changeRequests() {
    return delegate.changeRequests();
  }

  @Override
  public ContinuityChallengeRepository continuityChallenges() {
    return delegate.continuityChallenges();
  }

  @Override
  public dev.bindery.support.SupportActionRepository supportActions() {
    return delegate.supportActions();
  }

  @Override
  public dev.bindery.support.SupportAlertRepository supportAlerts() {
    return delegate.supportAlerts();
  }
}

package dev.bindery.store;

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
import dev.bindery.support.SupportActionRepository;
import dev.bindery.support.SupportAlertRepository;
import dev.bindery.support.RecoveryCodeRepository;
import dev.bindery.token.ResourceServerRepository;
import dev.bindery.token.SigningKeyRepository;
import dev.bindery.token.TokenPolicyRepository;

/** The repositories of one transaction: everything done through them commits or rolls back together. */
public interface Tx {
  IdentityRepository identities();

  OperatorRepository operators();

  TeamRepository teams();

  OperatorTokenRepository operatorTokens();

  TotpRepository totp();

  AuditLog audit();

  CredentialRepository credentials();

  LineageRepository lineages();

  EnrolmentCodeRepository enrolmentCodes();

  RotationPolicyRepository rotationPolicies();

  SigningKeyRepository signingKeys();

  ResourceServerRepository resourceServers();

  TokenPolicyRepository tokenPolicies();

  RevocationEventRepository revocationEvents();

  ChangeRequestRepository changeRequests();

  ContinuityChallengeRepository continuityChallenges();

  /** The jti values of accepted private_key_jwt client assertions (replay protection across nodes). */
  ClientAssertionRepository clientAssertions();

  WebhookRepository webhooks();

  NotificationRepository notifications();

  DisavowTokenRepository disavowTokens();

  /** Support actions (issue 6): their own aggregate, with approvals, evidence and review. */
  SupportActionRepository supportActions();

  /** Support anomaly alerts and the enrolment sources seen per identity (issue 6). */
  SupportAlertRepository supportAlerts();
  /** The support desk's temporary TOTP enrolments (issue 6). */
  TotpResetRepository totpResets();

  /** Recovery codes of identities (issue 6). */
  RecoveryCodeRepository recoveryCodes();
}

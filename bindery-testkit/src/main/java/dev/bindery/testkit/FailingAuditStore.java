package dev.bindery.testkit;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.AuditLog;
import dev.bindery.audit.Outcome;
import dev.bindery.identity.IdentityRepository;
import dev.bindery.operator.OperatorRepository;
import dev.bindery.operator.OperatorTokenRepository;
import dev.bindery.operator.TeamRepository;
import dev.bindery.operator.TotpRepository;
import dev.bindery.store.Transactor;
import dev.bindery.store.Tx;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/** A store whose audit append fails for one action, to show the change and its event share a transaction. */
public final class FailingAuditStore implements Transactor {
  private final Transactor inner;
  private final String failingAction;

  public FailingAuditStore(Transactor inner, String failingAction) {
    this.inner = inner;
    this.failingAction = failingAction;
  }

  @Override
  public <T> T inTransaction(Function<Tx, T> work) {
    return inner.inTransaction(t -> work.apply(wrap(t)));
  }

  @Override
  public <T> T read(Function<Tx, T> work) {
    return inner.read(t -> work.apply(wrap(t)));
  }

  @Override
  public boolean ping() {
    return inner.ping();
  }

  private Tx wrap(Tx t) {
    AuditLog log = t.audit();
    AuditLog failing = new AuditLog() {
      @Override
      public AuditEvent append(dev.bindery.audit.AuditRecord record, Instant time) {
        if (record.action().equals(failingAction) && record.outcome() == Outcome.SUCCESS) {
          throw new IllegalStateException("audit append failed");
        }
        return log.append(record, time);
      }

      @Override
      public List<AuditEvent> query(dev.bindery.audit.AuditQuery query) {
        return log.query(query);
      }

      @Override
      public void scan(long afterSeq, int batch, java.util.function.Consumer<AuditEvent> sink) {
        log.scan(afterSeq, batch, sink);
      }

      @Override
      public dev.bindery.audit.ChainHead head() {
        return log.head();
      }
    };
    return new Tx() {
      @Override
      public IdentityRepository identities() {
        return t.identities();
      }

      @Override
      public OperatorRepository operators() {
        return t.operators();
      }

      @Override
      public TeamRepository teams() {
        return t.teams();
      }

      @Override
      public OperatorTokenRepository operatorTokens() {
        return t.operatorTokens();
      }

      @Override
      public TotpRepository totp() {
        return t.totp();
      }

      @Override
      public AuditLog audit() {
        return failing;
      }

      @Override
      public dev.bindery.credential.CredentialRepository credentials() {
        return t.credentials();
      }

      @Override
      public dev.bindery.credential.LineageRepository lineages() {
        return t.lineages();
      }

      @Override
      public dev.bindery.credential.EnrolmentCodeRepository enrolmentCodes() {
        return t.enrolmentCodes();
      }

      @Override
      public dev.bindery.credential.RotationPolicyRepository rotationPolicies() {
        return t.rotationPolicies();
      }

      @Override
      public dev.bindery.token.SigningKeyRepository signingKeys() {
        return t.signingKeys();
      }

      @Override
      public dev.bindery.token.ResourceServerRepository resourceServers() {
        return t.resourceServers();
      }

      @Override
      public dev.bindery.token.TokenPolicyRepository tokenPolicies() {
        return t.tokenPolicies();
      }

      @Override
      public dev.bindery.revocation.RevocationEventRepository revocationEvents() {
        return t.revocationEvents();
      }

      @Override
      public dev.bindery.notify.WebhookRepository webhooks() {
        return t.webhooks();
      }

      @Override
      public dev.bindery.notify.NotificationRepository notifications() {
        return t.notifications();
      }

      @Override
      public dev.bindery.notify.DisavowTokenRepository disavowTokens() {
        return t.disavowTokens();
      }
    };
  }
}

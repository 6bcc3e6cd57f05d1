package dev.bindery.testkit;

import dev.bindery.audit.ChainHead;
import dev.bindery.change.ChangeRequest;
import dev.bindery.change.ChangeRequestId;
import dev.bindery.change.ChangeRequestQuery;
import dev.bindery.change.ContinuityChallenge;
import dev.bindery.common.Page;
import dev.bindery.credential.Credential;
import dev.bindery.credential.EnrolmentCode;
import dev.bindery.credential.Lineage;
import dev.bindery.credential.LineageId;
import dev.bindery.credential.RotationPolicy;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityQuery;
import dev.bindery.identity.SubjectLink;
import dev.bindery.oauth.UsedClientAssertion;
import dev.bindery.notify.DisavowToken;
import dev.bindery.notify.Notification;
import dev.bindery.notify.NotificationAttempt;
import dev.bindery.notify.NotificationQuery;
import dev.bindery.notify.Webhook;
import dev.bindery.operator.Operator;
import dev.bindery.operator.OperatorId;
import dev.bindery.operator.OperatorToken;
import dev.bindery.operator.Team;
import dev.bindery.operator.TotpFactor;
import dev.bindery.operator.TotpReset;
import dev.bindery.store.Transactor;
import dev.bindery.store.Tx;
import dev.bindery.support.SupportAction;
import dev.bindery.support.SupportActionId;
import dev.bindery.support.SupportActionQuery;
import dev.bindery.support.SupportAlert;
import dev.bindery.support.SupportAlertId;
import dev.bindery.support.RecoveryCode;
import dev.bindery.token.ResourceServer;
import dev.bindery.token.SigningKeyState;
import dev.bindery.token.StoredSigningKey;
import dev.bindery.token.TokenPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Everything a store holds, read through the ports only, as one comparable value: tests take it before a
 * rejected request and assert it is equal afterwards ("nothing was written"). The audit chain is captured
 * separately as {@link #auditHead} so a test can allow exactly the one {@code denied} event it expects.
 *
 * <p>Credentials, lineages and enrolment codes are captured per identity (so every stored one is reached
 * through the ports), rotation policies as stored; token signing keys, resource servers, and token policies (per
 * identity) as stored; the used client assertions (per identity); change requests (with their approvals) by
 * listing, continuity challenges per request. Webhooks and notifications (with their attempts) are captured per
 * team, disavow tokens per identity and per operator. Support actions (with approvals, evidence, result and review)
 * by listing, support alerts by listing, the enrolment sources seen per identity as {@code <identity id> <source>};
 * the support desk's temporary TOTP enrolments per operator and recovery codes per identity.
 *
 * <p>Tokens and TOTP factors are captured as {@link TokenRow} and {@link TotpRow}, because their own
 * {@code equals} compares less than every field.
 */
public record StoreState(
    List<Identity> identities,
    List<SubjectLink> links,
    List<Operator> operators,
    List<Team> teams,
    List<TokenRow> tokens,
    List<TotpRow> totp,
    List<Credential> credentials,
    List<Lineage> lineages,
    List<EnrolmentCode> enrolmentCodes,
    List<RotationPolicy> rotationPolicies,
    List<SigningKeyRow> signingKeys,
    List<ResourceServer> resourceServers,
    List<TokenPolicy> tokenPolicies,
    List<dev.bindery.revocation.RevocationEvent> revocationEvents,
    List<UsedClientAssertion> clientAssertions,
    List<ChangeRequest> changeRequests,
    List<ContinuityChallenge> continuityChallenges,
    List<WebhookRow> webhooks,
    List<NotificationRow> notifications,
    List<NotificationAttempt> notificationAttempts,
    List<DisavowToken> disavowTokens,
    List<SupportAction> supportActions,
    List<SupportAlert> supportAlerts,
    List<String> enrolmentSources,
    List<TotpReset> totpResets,
    List<RecoveryCode> recoveryCodes,
    ChainHead auditHead) {

  /** A webhook's stored fields, sealed secret as hex. */
  public record WebhookRow(String id, String team, String url, String sealedSecretHex, Instant createdAt,
      String createdBy, Instant removedAt, String removedBy) {
    static WebhookRow of(Webhook w) {
      return new WebhookRow(w.id().value(), w.team().value(), w.url().value(),
          HexFormat.of().formatHex(w.sealedSecret()), w.createdAt(), w.createdBy(), w.removedAt(), w.removedBy());
    }
  }

  /** A notification's stored fields, sealed disavow token and sealed secret as hex. */
  public record NotificationRow(String id, String team, String webhookId, String identityId, String operatorId,
      String event, java.util.Map<String, String> details, String changeRequestId, String sealedDisavowTokenHex,
      Instant disavowExpiresAt, String secretKind, String sealedSecretHex, Instant createdAt, String state,
      int attempts, Instant nextAttemptAt, Instant lastAttemptAt, Integer lastStatus, String lastError,
      Instant completedAt) {
    static NotificationRow of(Notification n) {
      byte[] sealed = n.sealedDisavowToken();
      byte[] secret = n.sealedSecret();
      return new NotificationRow(n.id().value(), n.team().value(), n.webhookId().value(),
          n.identityId() == null ? null : n.identityId().value(),
          n.operatorId() == null ? null : n.operatorId().value(), n.event(), n.details(), n.changeRequestId(),
          sealed == null ? null : HexFormat.of().formatHex(sealed), n.disavowExpiresAt(),
          n.secretKind() == null ? null : n.secretKind().wire(),
          secret == null ? null : HexFormat.of().formatHex(secret), n.createdAt(), n.state().wire(), n.attempts(),
          n.nextAttemptAt(), n.lastAttemptAt(), n.lastStatus(), n.lastError(), n.completedAt());
    }
  }

  /** A token signing key's stored fields, sealed private key as hex. */
  public record SigningKeyRow(String kid, String algorithm, SigningKeyState state, String publicJwk,
      String sealedPrivateKeyHex, Instant createdAt, Instant activatedAt, Instant retiredAt, long version) {
    static SigningKeyRow of(StoredSigningKey k) {
      byte[] sealed = k.sealedPrivateKey();
      return new SigningKeyRow(k.kid(), k.algorithm(), k.state(), k.publicJwk(),
          sealed == null ? null : HexFormat.of().formatHex(sealed), k.createdAt(), k.activatedAt(), k.retiredAt(),
          k.version());
    }
  }

  /** A token's stored fields, hash as hex. */
  public record TokenRow(
      String id, OperatorId operatorId, String hashHex, String description, Instant createdAt, Instant expiresAt,
      Instant revokedAt, Instant lastUsedAt, Instant stepUpAt) {
    static TokenRow of(OperatorToken t) {
      return new TokenRow(t.id(), t.operatorId(), HexFormat.of().formatHex(t.hash()), t.description(),
          t.createdAt(), t.expiresAt(), t.revokedAt(), t.lastUsedAt(), t.stepUpAt());
    }
  }

  /** A TOTP factor's stored fields, sealed seed as hex. */
  public record TotpRow(OperatorId operatorId, String sealedSeedHex, boolean confirmed, long lastUsedStep,
      Instant createdAt) {
    static TotpRow of(TotpFactor f) {
      return new TotpRow(f.operatorId(), HexFormat.of().formatHex(f.sealedSeed()), f.confirmed(), f.lastUsedStep(),
          f.createdAt());
    }
  }

  public static StoreState capture(Transactor store) {
    return store.read(StoreState::capture);
  }

  public static StoreState capture(Tx t) {
    List<Identity> identities = new ArrayList<>();
    IdentityId after = null;
    while (true) {
      Page<Identity> page = t.identities().search(IdentityQuery.all(IdentityQuery.MAX_LIMIT).after(after));
      identities.addAll(page.items());
      if (page.nextCursor() == null) {
        break;
      }
      after = IdentityId.parse(page.nextCursor());
    }
    List<SubjectLink> links = new ArrayList<>();
    for (Identity i : identities) {
      links.addAll(t.identities().linksOf(i.id()).stream()
          .sorted(Comparator.comparing((SubjectLink l) -> l.subject().issuer()).thenComparing(l -> l.subject().subject()))
          .toList());
    }
    List<Operator> operators = new ArrayList<>();
    OperatorId opAfter = null;
    while (true) {
      Page<Operator> page = t.operators().list(opAfter, 500);
      operators.addAll(page.items());
      if (page.nextCursor() == null) {
        break;
      }
      opAfter = OperatorId.parse(page.nextCursor());
    }
    List<TokenRow> tokens = new ArrayList<>();
    List<TotpRow> totp = new ArrayList<>();
    for (Operator o : operators) {
      t.operatorTokens().listFor(o.id()).stream().map(TokenRow::of).sorted(Comparator.comparing(TokenRow::id))
          .forEach(tokens::add);
      t.totp().find(o.id()).map(TotpRow::of).ifPresent(totp::add);
    }
    List<Team> teams = t.teams().list().stream().sorted(Comparator.comparing(team -> team.id().value())).toList();
    List<Credential> credentials = new ArrayList<>();
    List<EnrolmentCode> codes = new ArrayList<>();
    for (Identity i : identities) {
      credentials.addAll(t.credentials().listForIdentity(i.id()));
      codes.addAll(t.enrolmentCodes().listForIdentity(i.id()));
    }
    List<Lineage> lineages = credentials.stream().map(Credential::lineageId).filter(Objects::nonNull).distinct()
        .sorted(Comparator.comparing(LineageId::value))
        .flatMap(id -> t.lineages().findById(id).stream()).toList();
    List<RotationPolicy> policies = t.rotationPolicies().list().stream()
        .sorted(Comparator.comparing((RotationPolicy p) -> p.identityKind().wire())
            .thenComparing(p -> p.credentialType().wire()))
        .toList();
    List<SigningKeyRow> signingKeys = t.signingKeys().list().stream().map(SigningKeyRow::of).toList();
    List<TokenPolicy> tokenPolicies = new ArrayList<>();
    List<UsedClientAssertion> clientAssertions = new ArrayList<>();
    for (Identity i : identities) {
      t.tokenPolicies().find(i.id()).ifPresent(tokenPolicies::add);
      clientAssertions.addAll(t.clientAssertions().listForClient(i.id()));
    }
    List<ChangeRequest> changes = new ArrayList<>();
    ChangeRequestId changeAfter = null;
    while (true) {
      Page<ChangeRequest> page = t.changeRequests().list(ChangeRequestQuery.all(ChangeRequestQuery.MAX_LIMIT)
          .after(changeAfter));
      changes.addAll(page.items());
      if (page.nextCursor() == null) {
        break;
      }
      changeAfter = ChangeRequestId.parse(page.nextCursor());
    }
    List<ContinuityChallenge> challenges = new ArrayList<>();
    for (ChangeRequest r : changes) {
      challenges.addAll(t.continuityChallenges().listForRequest(r.id()));
    }
    List<WebhookRow> webhooks = new ArrayList<>();
    List<NotificationRow> notifications = new ArrayList<>();
    List<NotificationAttempt> attempts = new ArrayList<>();
    for (Team team : teams) {
      t.webhooks().listForTeam(team.id(), true).stream().map(WebhookRow::of).forEach(webhooks::add);
      NotificationQuery q = NotificationQuery.forTeam(team.id(), NotificationQuery.MAX_LIMIT);
      while (true) {
        List<Notification> page = t.notifications().list(q);
        for (Notification n : page) {
          notifications.add(NotificationRow.of(n));
          attempts.addAll(t.notifications().attempts(n.id()));
        }
        if (page.size() < q.limit()) {
          break;
        }
        q = q.after(NotificationQuery.Position.of(page.get(page.size() - 1)));
      }
    }
    List<DisavowToken> disavowTokens = new ArrayList<>();
    List<RecoveryCode> recoveryCodes = new ArrayList<>();
    for (Identity i : identities) {
      disavowTokens.addAll(t.disavowTokens().listForIdentity(i.id()));
      recoveryCodes.addAll(t.recoveryCodes().listForIdentity(i.id()));
    }
    List<TotpReset> totpResets = new ArrayList<>();
    for (Operator o : operators) {
      disavowTokens.addAll(t.disavowTokens().listForOperator(o.id()));
      totpResets.addAll(t.totpResets().listForOperator(o.id()));
    }
    List<SupportAction> supportActions = new ArrayList<>();
    List<SupportAlert> supportAlerts = new ArrayList<>();
    List<String> enrolmentSources = new ArrayList<>();
    SupportActionId supportAfter = null;
    while (true) {
      Page<SupportAction> page = t.supportActions().list(SupportActionQuery.all(SupportActionQuery.MAX_LIMIT)
          .after(supportAfter));
      supportActions.addAll(page.items());
      if (page.nextCursor() == null) {
        break;
      }
      supportAfter = SupportActionId.parse(page.nextCursor());
    }
    SupportAlertId alertAfter = null;
    while (true) {
      List<SupportAlert> page = t.supportAlerts().list(false, alertAfter, 500);
      supportAlerts.addAll(page);
      if (page.size() < 500) {
        break;
      }
      alertAfter = page.get(page.size() - 1).id();
    }
    for (Identity i : identities) {
      t.supportAlerts().enrolmentSources(i.id()).forEach(src -> enrolmentSources.add(i.id().value() + " " + src));
    }
    return new StoreState(identities, links, operators, teams, tokens, totp, credentials, lineages, codes, policies,
        signingKeys, t.resourceServers().list(), tokenPolicies, t.revocationEvents().since(0, Integer.MAX_VALUE),
        clientAssertions, changes, challenges, webhooks, notifications, attempts, disavowTokens, supportActions,
        supportAlerts, enrolmentSources, totpResets, recoveryCodes, t.audit().head());
  }

  /** This state without the audit head, to compare everything but the audit chain. */
  public StoreState withoutAudit() {
    return new StoreState(identities, links, operators, teams, tokens, totp, credentials, lineages, enrolmentCodes,
        rotationPolicies, signingKeys, resourceServers, tokenPolicies, revocationEvents, clientAssertions,
        changeRequests, continuityChallenges, webhooks, notifications, notificationAttempts, disavowTokens,
        supportActions, supportAlerts, enrolmentSources, totpResets, recoveryCodes, null);
  }
}

package dev.bindery.testkit.memory;

import dev.bindery.audit.AuditChain;
import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.AuditLog;
import dev.bindery.audit.AuditQuery;
import dev.bindery.audit.AuditRecord;
import dev.bindery.audit.ChainHead;
import dev.bindery.change.ChangeRequest;
import dev.bindery.change.ChangeRequestId;
import dev.bindery.change.ChangeRequestQuery;
import dev.bindery.change.ChangeRequestRepository;
import dev.bindery.change.ChangeType;
import dev.bindery.change.ContinuityChallenge;
import dev.bindery.change.ContinuityChallengeId;
import dev.bindery.change.ContinuityChallengeRepository;
import dev.bindery.common.Page;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialId;
import dev.bindery.credential.CredentialQuery;
import dev.bindery.credential.CredentialRepository;
import dev.bindery.credential.CredentialStatus;
import dev.bindery.credential.CredentialType;
import dev.bindery.credential.EnrolmentCode;
import dev.bindery.credential.EnrolmentCodeRepository;
import dev.bindery.credential.Lineage;
import dev.bindery.credential.LineageId;
import dev.bindery.credential.LineageRepository;
import dev.bindery.credential.RotationPolicy;
import dev.bindery.credential.RotationPolicyRepository;
import dev.bindery.credential.SecretHash;
import dev.bindery.credential.Thumbprint;
import dev.bindery.identity.FederatedSubject;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityKind;
import dev.bindery.identity.IdentityQuery;
import dev.bindery.identity.IdentityRepository;
import dev.bindery.identity.SubjectLink;
import dev.bindery.identity.TeamId;
import dev.bindery.notify.DisavowToken;
import dev.bindery.notify.DisavowTokenRepository;
import dev.bindery.notify.Notification;
import dev.bindery.notify.NotificationAttempt;
import dev.bindery.notify.NotificationId;
import dev.bindery.notify.NotificationQuery;
import dev.bindery.notify.NotificationRepository;
import dev.bindery.notify.NotificationState;
import dev.bindery.notify.Webhook;
import dev.bindery.notify.WebhookId;
import dev.bindery.notify.WebhookRepository;
import dev.bindery.operator.Operator;
import dev.bindery.operator.OperatorId;
import dev.bindery.operator.OperatorRepository;
import dev.bindery.operator.OperatorToken;
import dev.bindery.operator.OperatorTokenRepository;
import dev.bindery.operator.Team;
import dev.bindery.operator.TeamRepository;
import dev.bindery.operator.TotpFactor;
import dev.bindery.operator.TotpRepository;
import dev.bindery.operator.TotpReset;
import dev.bindery.operator.TotpResetRepository;
import dev.bindery.pki.RevokedCertificate;
import dev.bindery.oauth.ClientAssertionRepository;
import dev.bindery.oauth.UsedClientAssertion;
import dev.bindery.revocation.RevocationEvent;
import dev.bindery.revocation.RevocationEventRepository;
import dev.bindery.revocation.RevocationEventType;
import dev.bindery.store.Transactor;
import dev.bindery.support.SupportAction;
import dev.bindery.support.SupportActionQuery;
import dev.bindery.support.SupportActionRepository;
import dev.bindery.support.SupportActionType;
import dev.bindery.support.SupportAlert;
import dev.bindery.support.SupportAlertId;
import dev.bindery.support.SupportAlertRepository;
import dev.bindery.support.SupportTarget;
import dev.bindery.support.RecoveryCode;
import dev.bindery.support.RecoveryCodeRepository;
import dev.bindery.support.SupportActionId;
import dev.bindery.store.Tx;
import dev.bindery.store.UniqueViolation;
import dev.bindery.token.Audience;
import dev.bindery.token.ResourceServer;
import dev.bindery.token.ResourceServerRepository;
import dev.bindery.token.SigningKeyRepository;
import dev.bindery.token.SigningKeyState;
import dev.bindery.token.StoredSigningKey;
import dev.bindery.token.TokenPolicy;
import dev.bindery.token.TokenPolicyRepository;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An in-memory {@link Transactor} with real transaction semantics, for tests of the core services.
 *
 * <ul>
 *   <li>Work runs against a journal: its writes are visible to itself only, and are applied to the committed
 *       state only if the work returns normally. A throw discards the journal, audit appends included, and the
 *       exception propagates unchanged.
 *   <li>Transactions are serialized by one fair lock, so the audit chain has a single writer at a time, like
 *       the {@code audit_head} row lock of the JDBC store.
 *   <li>A transaction opened inside another on the same thread behaves like a second database connection:
 *       it sees only committed data and commits on its own. If it writes a row (or appends to the audit
 *       chain) that the enclosing transaction has already written, a database would block for ever, so
 *       this store fails fast with {@link IllegalStateException} instead.
 *   <li>{@link #read} work may not write; a write there throws {@link IllegalStateException}.
 *   <li>Unique keys (identity id, (issuer, subject), operator id, team id, token id and token hash; credential
 *       id, serial, (type, thumbprint) and secret hash; lineage id; enrolment code hash; signing key id and
 *       slot; resource server audience; token policy identity; change request id and one open change request per
 *       identity; continuity challenge id; webhook id; notification id; (notification, attempt number); disavow
 *       token hash; support action id and one open support action per target; support alert id; totp reset hash;
 *       recovery code hash) raise
 *       {@link UniqueViolation}, after which the transaction rolls back as a database's would.
 * </ul>
 *
 * <p>The state lives in ordered maps keyed by the identifier's text, so listings are in identifier order
 * and keyset paging uses the identifier as the cursor.
 */
public final class InMemoryStore implements Transactor {
  private final ReentrantLock lock = new ReentrantLock(true);
  /** The open journals of the thread holding the lock, innermost last. Guarded by {@link #lock}. */
  private final Deque<Journal> open = new ArrayDeque<>();

  private final Table<Identity> identities = new Table<>("identity");
  private final Table<SubjectLink> links = new Table<>("subject link");
  private final Table<Operator> operators = new Table<>("operator");
  private final Table<Team> teams = new Table<>("team");
  private final Table<OperatorToken> tokens = new Table<>("operator token");
  private final Table<TotpFactor> totpFactors = new Table<>("totp factor");
  private final Table<Credential> credentials = new Table<>("credential");
  private final Table<Lineage> lineages = new Table<>("lineage");
  private final Table<EnrolmentCode> enrolmentCodes = new Table<>("enrolment code");
  private final Table<RotationPolicy> rotationPolicies = new Table<>("rotation policy");
  private final Table<StoredSigningKey> signingKeys = new Table<>("signing key");
  private final Table<ResourceServer> resourceServers = new Table<>("resource server");
  private final Table<TokenPolicy> tokenPolicies = new Table<>("token policy");
  private final Table<ChangeRequest> changeRequests = new Table<>("change request");
  private final Table<ContinuityChallenge> challenges = new Table<>("continuity challenge");
  private final Table<Webhook> webhooks = new Table<>("webhook");
  private final Table<Notification> notifications = new Table<>("notification");
  /** Keyed by notification id, newline, zero-padded attempt number. */
  private final Table<NotificationAttempt> notificationAttempts = new Table<>("notification attempt");
  private final Table<DisavowToken> disavowTokens = new Table<>("disavow token");
  private final Table<SupportAction> supportActions = new Table<>("support action");
  private final Table<SupportAlert> supportAlerts = new Table<>("support alert");
  /** Keyed by identity id, newline, source; the value is when the source was first recorded. */
  private final Table<Instant> enrolmentSources = new Table<>("support enrolment source");
  private final Table<TotpReset> totpResets = new Table<>("totp reset");
  private final Table<RecoveryCode> recoveryCodes = new Table<>("recovery code");
  /** Keyed by the zero-padded sequence number, so key order is sequence order. */
  private final Table<RevocationEvent> revocationEvents = new Table<>("revocation event");
  /** Keyed by client id and jti hash. */
  private final Table<UsedClientAssertion> clientAssertions = new Table<>("client assertion");
  /** The last sequence number drawn by a committed transaction (pruning does not lower it). */
  private long revocationSeq;
  private final List<Runnable> revocationListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<AuditEvent> events = new ArrayList<>();
  private ChainHead head = ChainHead.EMPTY;

  @Override
  public <T> T inTransaction(Function<Tx, T> work) {
    return run(work, false);
  }

  @Override
  public <T> T read(Function<Tx, T> work) {
    return run(work, true);
  }

  @Override
  public boolean ping() {
    return true;
  }

  /** Runs {@code listener} after each commit that appended a revocation event (as the JDBC store does). */
  public void onRevocationCommitted(Runnable listener) {
    revocationListeners.add(Objects.requireNonNull(listener));
  }

  private <T> T run(Function<Tx, T> work, boolean readOnly) {
    Objects.requireNonNull(work, "work");
    lock.lock();
    Journal journal = new Journal(readOnly);
    open.addLast(journal);
    boolean announce = false;
    try {
      T result = work.apply(journal);
      journal.commit();
      announce = journal.lastSeq > revocationSeq;
      if (announce) {
        revocationSeq = journal.lastSeq;
      }
      return result;
    } finally {
      journal.closed = true;
      open.removeLast();
      lock.unlock();
      if (announce) {
        revocationListeners.forEach(Runnable::run);
      }
    }
  }

  private static String attemptKey(NotificationId id, int number) {
    return id.value() + "\n" + String.format(java.util.Locale.ROOT, "%010d", number);
  }

  private static String seqKey(long seq) {
    return String.format(java.util.Locale.ROOT, "%019d", seq);
  }

  private static String linkKey(FederatedSubject s) {
    // neither part may contain control characters, so a newline cannot occur inside either
    return s.issuer() + "\n" + s.subject();
  }

  /** One table of committed rows, ordered by key. */
  private static final class Table<V> {
    final String name;
    final TreeMap<String, V> committed = new TreeMap<>();

    Table(String name) {
      this.name = name;
    }
  }

  /** One transaction: its own writes over the committed state. */
  private final class Journal implements Tx {
    private final boolean readOnly;
    /** Per table, the rows this transaction wrote (a null value marks a deleted row). */
    private final Map<Table<?>, TreeMap<String, Object>> writes = new IdentityHashMap<>();
    private final List<AuditEvent> appended = new ArrayList<>();
    private boolean closed;
    /** The last revocation sequence number this transaction drew; 0 if none. */
    private long lastSeq;

    Journal(boolean readOnly) {
      this.readOnly = readOnly;
    }

    @SuppressWarnings("unchecked")
    <V> V get(Table<V> table, String key) {
      requireOpen();
      TreeMap<String, Object> w = writes.get(table);
      if (w != null && w.containsKey(key)) {
        return (V) w.get(key);
      }
      return table.committed.get(key);
    }

    <V> void put(Table<V> table, String key, V value) {
      requireWritable();
      for (Journal enclosing : open) {
        if (enclosing != this) {
          TreeMap<String, Object> w = enclosing.writes.get(table);
          if (w != null && w.containsKey(key)) {
            throw new IllegalStateException("a nested transaction writes " + table.name + " '" + key
                + "' that its enclosing transaction already wrote; a database would wait for ever");
          }
        }
      }
      writes.computeIfAbsent(table, t -> new TreeMap<>()).put(key, value);
    }

    /** The rows as this transaction sees them, in key order. */
    @SuppressWarnings("unchecked")
    <V> NavigableMap<String, V> view(Table<V> table) {
      requireOpen();
      TreeMap<String, Object> w = writes.get(table);
      if (w == null) {
        return Collections.unmodifiableNavigableMap(table.committed);
      }
      TreeMap<String, V> merged = new TreeMap<>(table.committed);
      w.forEach((k, v) -> {
        if (v == null) {
          merged.remove(k);
        } else {
          merged.put(k, (V) v);
        }
      });
      return merged;
    }

    ChainHead currentHead() {
      return appended.isEmpty() ? head : new ChainHead(last(appended).seq(), last(appended).hash());
    }

    @SuppressWarnings("unchecked")
    void commit() {
      if (readOnly) {
        return;
      }
      writes.forEach((table, w) -> w.forEach((k, v) -> {
        if (v == null) {
          table.committed.remove(k);
        } else {
          ((TreeMap<String, Object>) table.committed).put(k, v);
        }
      }));
      if (!appended.isEmpty()) {
        events.addAll(appended);
        head = new ChainHead(last(appended).seq(), last(appended).hash());
      }
    }

    void requireOpen() {
      if (closed) {
        throw new IllegalStateException("the transaction has ended; repositories cannot be used after it");
      }
    }

    void requireWritable() {
      requireOpen();
      if (readOnly) {
        throw new IllegalStateException("read-only work tried to write");
      }
    }

    @Override
    public IdentityRepository identities() {
      return identityRepository;
    }

    @Override
    public OperatorRepository operators() {
      return operatorRepository;
    }

    @Override
    public TeamRepository teams() {
      return teamRepository;
    }

    @Override
    public OperatorTokenRepository operatorTokens() {
      return tokenRepository;
    }

    @Override
    public TotpRepository totp() {
      return totpRepository;
    }

    @Override
    public AuditLog audit() {
      return auditLog;
    }

    @Override
    public CredentialRepository credentials() {
      return credentialRepository;
    }

    @Override
    public LineageRepository lineages() {
      return lineageRepository;
    }

    @Override
    public EnrolmentCodeRepository enrolmentCodes() {
      return enrolmentCodeRepository;
    }

    @Override
    public RotationPolicyRepository rotationPolicies() {
      return rotationPolicyRepository;
    }

    @Override
    public SigningKeyRepository signingKeys() {
      return signingKeyRepository;
    }

    @Override
    public ResourceServerRepository resourceServers() {
      return resourceServerRepository;
    }

    @Override
    public TokenPolicyRepository tokenPolicies() {
      return tokenPolicyRepository;
    }

    @Override
    public RevocationEventRepository revocationEvents() {
      return revocationEventRepository;
    }

    @Override
    public ClientAssertionRepository clientAssertions() {
      return clientAssertionRepository;
    }

    private final ClientAssertionRepository clientAssertionRepository = new ClientAssertionRepository() {
      @Override
      public boolean use(UsedClientAssertion used) {
        String key = used.clientId().value() + "\n" + used.jtiHash().value();
        UsedClientAssertion stored = get(clientAssertions, key);
        if (stored != null && stored.expiresAt().isAfter(used.usedAt())) {
          return false;
        }
        put(clientAssertions, key, used);
        return true;
      }

      @Override
      public List<UsedClientAssertion> listForClient(IdentityId client) {
        return view(clientAssertions).tailMap(client.value() + "\n").headMap(client.value() + "\u000b").values()
            .stream().sorted(Comparator.comparing(UsedClientAssertion::usedAt)
                .thenComparing(u -> u.jtiHash().value()))
            .toList();
      }

      @Override
      public int deleteExpired(Instant now) {
        List<String> expired = view(clientAssertions).entrySet().stream()
            .filter(e -> !e.getValue().expiresAt().isAfter(now)).map(Map.Entry::getKey).toList();
        expired.forEach(k -> put(clientAssertions, k, null));
        return expired.size();
      }
    };

    @Override
    public ChangeRequestRepository changeRequests() {
      return changeRequestRepository;
    }

    @Override
    public ContinuityChallengeRepository continuityChallenges() {
      return challengeRepository;
    }

    @Override
    public SupportActionRepository supportActions() {
      return supportActionRepository;
    }

    @Override
    public SupportAlertRepository supportAlerts() {
      return supportAlertRepository;
    }

    private final SupportActionRepository supportActionRepository = new SupportActionRepository() {
      @Override
      public void insert(SupportAction a) {
        String key = a.id().value();
        if (get(supportActions, key) != null) {
          throw new UniqueViolation("support action " + key, null);
        }
        requireSingleOpen(a);
        put(supportActions, key, a);
      }

      @Override
      public Optional<SupportAction> findById(SupportActionId id) {
        return Optional.ofNullable(get(supportActions, id.value()));
      }

      @Override
      public Optional<SupportAction> findForUpdate(SupportActionId id) {
        // transactions are serialized by the store's lock, so a read is already exclusive
        requireWritable();
        return findById(id);
      }

      @Override
      public boolean update(SupportAction next) {
        String key = next.id().value();
        SupportAction stored = get(supportActions, key);
        if (stored == null || stored.version() != next.version() - 1) {
          return false;
        }
        if (!next.approvals().containsAll(stored.approvals())) {
          throw new IllegalArgumentException("approvals are only ever added");
        }
        requireSingleOpen(next);
        put(supportActions, key, next);
        return true;
      }

      /** The open_for unique key of a relational store: one open action per target. */
      private void requireSingleOpen(SupportAction a) {
        if (a.open() && view(supportActions).values().stream()
            .anyMatch(o -> o.open() && o.target().equals(a.target()) && !o.id().equals(a.id()))) {
          throw new UniqueViolation("open support action of " + a.target().kind().wire() + " " + a.target().id(),
              null);
        }
      }

      @Override
      public Optional<SupportAction> findOpenForTarget(SupportTarget target) {
        return view(supportActions).values().stream().filter(a -> a.open() && a.target().equals(target)).findFirst();
      }

      @Override
      public Page<SupportAction> list(SupportActionQuery q) {
        List<SupportAction> out = new ArrayList<>();
        boolean more = false;
        for (SupportAction a : view(supportActions).values()) {
          if (!q.matches(a)) {
            continue;
          }
          if (out.size() == q.limit()) {
            more = true;
            break;
          }
          out.add(a);
        }
        return new Page<>(out, more ? last(out).id().value() : null);
      }

      private java.util.stream.Stream<SupportAction> since(Instant since) {
        return view(supportActions).values().stream().filter(a -> !a.createdAt().isBefore(since));
      }

      @Override
      public long countByAgentSince(OperatorId agent, Instant since) {
        return since(since).filter(a -> a.agent().equals(agent)).count();
      }

      @Override
      public long countDistinctTargetsOfAgentSince(OperatorId agent, Instant since) {
        return since(since).filter(a -> a.agent().equals(agent)).map(SupportAction::target).distinct().count();
      }

      @Override
      public long countForTargetSince(SupportTarget target, Set<SupportActionType> types, Instant since) {
        return since(since).filter(a -> a.target().equals(target) && types.contains(a.type())).count();
      }

      @Override
      public List<SupportAction> appliedForTargetSince(SupportTarget target, Set<SupportActionType> types,
          Instant since) {
        return view(supportActions).values().stream()
            .filter(a -> a.state() == dev.bindery.change.ChangeState.APPLIED && a.target().equals(target)
                && types.contains(a.type()) && !a.resolvedAt().isBefore(since))
            .toList();
      }

      @Override
      public long countUnreviewedAppliedBefore(Instant appliedBefore) {
        return view(supportActions).values().stream()
            .filter(a -> a.state() == dev.bindery.change.ChangeState.APPLIED && !a.review().done()
                && a.resolvedAt().isBefore(appliedBefore))
            .count();
      }

      @Override
      public Map<OperatorId, Long> countPerAgentSince(Instant since) {
        return since(since).collect(java.util.stream.Collectors.groupingBy(SupportAction::agent,
            java.util.stream.Collectors.counting()));
      }

      @Override
      public Map<SupportTarget, Long> countPerTargetSince(Instant since) {
        return since(since).collect(java.util.stream.Collectors.groupingBy(SupportAction::target,
            java.util.stream.Collectors.counting()));
      }

      @Override
      public Map<SupportActionType, Long> countPerTypeSince(Instant since) {
        return since(since).collect(java.util.stream.Collectors.groupingBy(SupportAction::type,
            java.util.stream.Collectors.counting()));
      }
    };

    private final SupportAlertRepository supportAlertRepository = new SupportAlertRepository() {
      @Override
      public void insert(SupportAlert alert) {
        String key = alert.id().value();
        if (get(supportAlerts, key) != null) {
          throw new UniqueViolation("support alert " + key, null);
        }
        put(supportAlerts, key, alert);
      }

      @Override
      public Optional<SupportAlert> findById(SupportAlertId id) {
        return Optional.ofNullable(get(supportAlerts, id.value()));
      }

      @Override
      public boolean update(SupportAlert next) {
        SupportAlert stored = get(supportAlerts, next.id().value());
        if (stored == null || stored.version() != next.version() - 1) {
          return false;
        }
        put(supportAlerts, next.id().value(), next);
        return true;
      }

      @Override
      public List<SupportAlert> openForAgent(OperatorId agent) {
        return view(supportAlerts).values().stream().filter(a -> a.open() && a.agent().equals(agent))
            .sorted(Comparator.comparing(SupportAlert::raisedAt).thenComparing(a -> a.id().value()))
            .toList();
      }

      @Override
      public List<SupportAlert> list(boolean openOnly, SupportAlertId after, int limit) {
        NavigableMap<String, SupportAlert> rows = view(supportAlerts);
        if (after != null) {
          rows = rows.tailMap(after.value(), false);
        }
        return rows.values().stream().filter(a -> !openOnly || a.open()).limit(limit).toList();
      }

      @Override
      public long countOpen() {
        return view(supportAlerts).values().stream().filter(SupportAlert::open).count();
      }

      @Override
      public boolean recordEnrolmentSource(IdentityId identity, String source, Instant at) {
        String key = identity.value() + "\n" + Objects.requireNonNull(source, "source");
        if (get(enrolmentSources, key) != null) {
          return false;
        }
        put(enrolmentSources, key, at);
        return true;
      }

      @Override
      public List<String> enrolmentSources(IdentityId identity) {
        String prefix = identity.value() + "\n";
        return view(enrolmentSources).tailMap(prefix, true).headMap(identity.value() + "\u000b", false).keySet()
            .stream().map(k -> k.substring(prefix.length())).toList();
      }
    };

    private final ChangeRequestRepository changeRequestRepository = new ChangeRequestRepository() {
      @Override
      public void insert(ChangeRequest r) {
        String key = r.id().value();
        if (get(changeRequests, key) != null) {
          throw new UniqueViolation("change request " + key, null);
        }
        requireSingleOpen(r);
        put(changeRequests, key, r);
      }

      @Override
      public Optional<ChangeRequest> findById(ChangeRequestId id) {
        return Optional.ofNullable(get(changeRequests, id.value()));
      }

      @Override
      public Optional<ChangeRequest> findForUpdate(ChangeRequestId id) {
        // transactions are serialized by the store's lock, so a read is already exclusive
        requireWritable();
        return findById(id);
      }

      @Override
      public boolean update(ChangeRequest next) {
        String key = next.id().value();
        ChangeRequest stored = get(changeRequests, key);
        if (stored == null || stored.version() != next.version() - 1) {
          return false;
        }
        if (!next.approvals().containsAll(stored.approvals())) {
          throw new IllegalArgumentException("approvals are only ever added");
        }
        requireSingleOpen(next);
        put(changeRequests, key, next);
        return true;
      }

      /** The open_for unique key of the JDBC store: one open request per target. */
      private void requireSingleOpen(ChangeRequest r) {
        if (r.open() && view(changeRequests).values().stream()
            .anyMatch(o -> o.open() && o.target().equals(r.target()) && !o.id().equals(r.id()))) {
          throw new UniqueViolation("open change request of " + r.target(), null);
        }
      }

      @Override
      public Optional<ChangeRequest> findOpenForIdentity(IdentityId target) {
        return view(changeRequests).values().stream().filter(r -> r.open() && r.target().equals(target)).findFirst();
      }

      @Override
      public long countByTypesSince(IdentityId target, Set<ChangeType> types, Instant since) {
        return view(changeRequests).values().stream()
            .filter(r -> r.target().equals(target) && types.contains(r.type()) && !r.createdAt().isBefore(since))
            .count();
      }

      @Override
      public Page<ChangeRequest> list(ChangeRequestQuery q) {
        List<ChangeRequest> out = new ArrayList<>();
        boolean more = false;
        for (ChangeRequest r : view(changeRequests).values()) {
          if (!q.matches(r)) {
            continue;
          }
          if (out.size() == q.limit()) {
            more = true;
            break;
          }
          out.add(r);
        }
        return new Page<>(out, more ? last(out).id().value() : null);
      }
    };

    private final ContinuityChallengeRepository challengeRepository = new ContinuityChallengeRepository() {
      @Override
      public void insert(ContinuityChallenge c) {
        String key = c.id().value();
        if (get(challenges, key) != null) {
          throw new UniqueViolation("continuity challenge " + key, null);
        }
        if (get(changeRequests, c.changeRequestId().value()) == null) {
          throw new IllegalStateException("no change request " + c.changeRequestId());
        }
        put(challenges, key, c);
      }

      @Override
      public Optional<ContinuityChallenge> findById(ContinuityChallengeId id) {
        return Optional.ofNullable(get(challenges, id.value()));
      }

      @Override
      public boolean markUsed(ContinuityChallengeId id, Instant at) {
        ContinuityChallenge c = get(challenges, id.value());
        if (c == null || c.used()) {
          return false;
        }
        put(challenges, id.value(), new ContinuityChallenge(c.id(), c.changeRequestId(), c.nonceHash(), c.createdAt(),
            c.expiresAt(), at));
        return true;
      }

      @Override
      public List<ContinuityChallenge> listForRequest(ChangeRequestId request) {
        return view(challenges).values().stream().filter(c -> c.changeRequestId().equals(request))
            .sorted(Comparator.comparing(ContinuityChallenge::createdAt).thenComparing(c -> c.id().value()))
            .toList();
      }
    };

    @Override
    public WebhookRepository webhooks() {
      return webhookRepository;
    }

    @Override
    public NotificationRepository notifications() {
      return notificationRepository;
    }

    @Override
    public DisavowTokenRepository disavowTokens() {
      return disavowTokenRepository;
    }

    private final WebhookRepository webhookRepository = new WebhookRepository() {
      @Override
      public void insert(Webhook webhook) {
        if (get(webhooks, webhook.id().value()) != null) {
          throw new UniqueViolation("webhook", null);
        }
        put(webhooks, webhook.id().value(), webhook);
      }

      @Override
      public Optional<Webhook> findById(WebhookId id) {
        return Optional.ofNullable(get(webhooks, id.value()));
      }

      @Override
      public List<Webhook> listForTeam(TeamId team, boolean includeRemoved) {
        return view(webhooks).values().stream().filter(w -> w.team().equals(team) && (includeRemoved || w.active()))
            .sorted(Comparator.comparing(Webhook::createdAt).thenComparing(w -> w.id().value())).toList();
      }

      @Override
      public List<Webhook> activeForTeams(Collection<TeamId> teams) {
        return view(webhooks).values().stream().filter(w -> w.active() && teams.contains(w.team()))
            .sorted(Comparator.comparing((Webhook w) -> w.team().value()).thenComparing(Webhook::createdAt)
                .thenComparing(w -> w.id().value())).toList();
      }

      @Override
      public boolean markRemoved(WebhookId id, Instant at, String by) {
        Webhook w = get(webhooks, id.value());
        if (w == null || !w.active()) {
          return false;
        }
        put(webhooks, id.value(), w.removed(at, by));
        return true;
      }
    };

    private final NotificationRepository notificationRepository = new NotificationRepository() {
      @Override
      public void insert(Notification n) {
        if (get(notifications, n.id().value()) != null) {
          throw new UniqueViolation("notification", null);
        }
        put(notifications, n.id().value(), n);
      }

      @Override
      public Optional<Notification> findById(NotificationId id) {
        return Optional.ofNullable(get(notifications, id.value()));
      }

      @Override
      public List<Notification> claimDue(Instant now, Instant leaseUntil, int limit) {
        // transactions are serialized by the store's lock: no row can be held by another one
        List<Notification> due = view(notifications).values().stream()
            .filter(n -> n.state() == NotificationState.PENDING && !n.nextAttemptAt().isAfter(now))
            .sorted(Comparator.comparing(Notification::nextAttemptAt).thenComparing(n -> n.id().value()))
            .limit(limit).toList();
        List<Notification> claimed = new ArrayList<>();
        for (Notification n : due) {
          Notification c = n.claimed(leaseUntil);
          put(notifications, c.id().value(), c);
          claimed.add(c);
        }
        return claimed;
      }

      @Override
      public boolean finish(Notification next) {
        Notification stored = get(notifications, next.id().value());
        if (stored == null || stored.state() != NotificationState.PENDING || stored.attempts() != next.attempts()) {
          return false;
        }
        put(notifications, next.id().value(), next);
        return true;
      }

      @Override
      public int cancelPending(WebhookId webhook, Instant at) {
        List<Notification> pending = view(notifications).values().stream()
            .filter(n -> n.webhookId().equals(webhook) && n.state() == NotificationState.PENDING).toList();
        pending.forEach(n -> put(notifications, n.id().value(), n.cancelled(at)));
        return pending.size();
      }

      @Override
      public void insertAttempt(NotificationAttempt a) {
        String key = attemptKey(a.notificationId(), a.number());
        if (get(notificationAttempts, key) != null) {
          throw new UniqueViolation("notification attempt", null);
        }
        put(notificationAttempts, key, a);
      }

      @Override
      public List<NotificationAttempt> attempts(NotificationId id) {
        return List.copyOf(view(notificationAttempts).subMap(id.value() + "\n", id.value() + "\u000b").values());
      }

      @Override
      public List<Notification> list(NotificationQuery q) {
        return view(notifications).values().stream()
            .filter(n -> q.identity() != null ? q.identity().equals(n.identityId()) : q.team().equals(n.team()))
            .filter(q::follows)
            .sorted(Comparator.comparing(Notification::createdAt).thenComparing(n -> n.id().value()).reversed())
            .limit(q.limit()).toList();
      }
    };

    private final DisavowTokenRepository disavowTokenRepository = new DisavowTokenRepository() {
      @Override
      public void insert(DisavowToken token) {
        if (get(disavowTokens, token.hash().hex()) != null) {
          throw new UniqueViolation("disavow token", null);
        }
        put(disavowTokens, token.hash().hex(), token);
      }

      @Override
      public Optional<DisavowToken> findByHash(SecretHash hash) {
        return Optional.ofNullable(get(disavowTokens, hash.hex()));
      }

      @Override
      public boolean markUsed(SecretHash hash, Instant at) {
        DisavowToken t = get(disavowTokens, hash.hex());
        if (t == null || t.used()) {
          return false;
        }
        put(disavowTokens, hash.hex(), t.usedAt(at));
        return true;
      }

      @Override
      public List<DisavowToken> listForIdentity(IdentityId identity) {
        return view(disavowTokens).values().stream().filter(t -> identity.equals(t.identityId()))
            .sorted(Comparator.comparing(DisavowToken::createdAt).thenComparing(t -> t.hash().hex())).toList();
      }

      @Override
      public List<DisavowToken> listForOperator(OperatorId operator) {
        return view(disavowTokens).values().stream().filter(t -> operator.equals(t.operatorId()))
            .sorted(Comparator.comparing(DisavowToken::createdAt).thenComparing(t -> t.hash().hex())).toList();
      }
    };

    private final RevocationEventRepository revocationEventRepository = new RevocationEventRepository() {
      @Override
      public long append(RevocationEventType type, String value, Instant at) {
        long seq = Math.max(Math.max(revocationSeq, lastSeq), open.stream().mapToLong(j -> j.lastSeq).max()
            .orElse(0)) + 1;
        RevocationEvent event = new RevocationEvent(seq, type, value, at);
        put(revocationEvents, seqKey(seq), event);
        lastSeq = seq;
        return seq;
      }

      @Override
      public List<RevocationEvent> since(long since, int limit) {
        return view(revocationEvents).tailMap(seqKey(since), false).values().stream().limit(limit).toList();
      }

      @Override
      public Optional<RevocationEvent> latest(RevocationEventType type, String value) {
        return view(revocationEvents).descendingMap().values().stream()
            .filter(e -> e.type() == type && e.value().equals(value)).findFirst();
      }

      @Override
      public int deleteBefore(Instant cutoff) {
        List<String> old = view(revocationEvents).entrySet().stream().filter(e -> e.getValue().at().isBefore(cutoff))
            .map(Map.Entry::getKey).toList();
        old.forEach(k -> put(revocationEvents, k, null));
        return old.size();
      }
    };

    private final IdentityRepository identityRepository = new IdentityRepository() {
      @Override
      public void insert(Identity identity) {
        String key = identity.id().value();
        if (get(identities, key) != null) {
          throw new UniqueViolation("identity " + key, null);
        }
        put(identities, key, identity);
      }

      @Override
      public boolean update(Identity next) {
        String key = next.id().value();
        Identity stored = get(identities, key);
        if (stored == null || stored.version() != next.version() - 1) {
          return false;
        }
        put(identities, key, next);
        return true;
      }

      @Override
      public Optional<Identity> findById(IdentityId id) {
        return Optional.ofNullable(get(identities, id.value()));
      }

      @Override
      public Page<Identity> search(IdentityQuery q) {
        NavigableMap<String, Identity> rows = view(identities);
        if (q.after() != null) {
          rows = rows.tailMap(q.after().value(), false);
        }
        List<Identity> out = new ArrayList<>();
        boolean more = false;
        for (Identity i : rows.values()) {
          if (!matches(q, i)) {
            continue;
          }
          if (out.size() == q.limit()) {
            more = true;
            break;
          }
          out.add(i);
        }
        return new Page<>(out, more ? last(out).id().value() : null);
      }

      private boolean matches(IdentityQuery q, Identity i) {
        return (q.kind() == null || q.kind() == i.kind())
            && (q.ownerTeam() == null || q.ownerTeam().equals(i.ownership().owningTeam()))
            && (q.status() == null || q.status() == i.status())
            && (q.labelKey() == null || q.labelValue().equals(i.labels().get(q.labelKey())))
            && (q.tenant() == null || q.tenant().equals(i.tenant()))
            && (q.namePrefix() == null || i.name().startsWith(q.namePrefix()));
      }

      @Override
      public long count() {
        return view(identities).size();
      }

      @Override
      public void insertLink(SubjectLink link) {
        String key = linkKey(link.subject());
        if (get(links, key) != null) {
          throw new UniqueViolation("subject link", null);
        }
        put(links, key, link);
      }

      @Override
      public void relink(FederatedSubject subject, IdentityId from, IdentityId to) {
        String key = linkKey(subject);
        SubjectLink current = get(links, key);
        if (current == null || !current.identityId().equals(from)) {
          throw new IllegalStateException("subject link moved concurrently");
        }
        put(links, key, new SubjectLink(subject, to, current.linkedAt()));
      }

      @Override
      public Optional<SubjectLink> findLink(FederatedSubject subject) {
        return Optional.ofNullable(get(links, linkKey(subject)));
      }

      @Override
      public List<SubjectLink> linksOf(IdentityId id) {
        return view(links).values().stream().filter(l -> l.identityId().equals(id)).toList();
      }
    };

    private final OperatorRepository operatorRepository = new OperatorRepository() {
      @Override
      public void insert(Operator operator) {
        String key = operator.id().value();
        if (get(operators, key) != null) {
          throw new UniqueViolation("operator " + key, null);
        }
        put(operators, key, operator);
      }

      @Override
      public boolean update(Operator next) {
        String key = next.id().value();
        Operator stored = get(operators, key);
        if (stored == null || stored.version() != next.version() - 1) {
          return false;
        }
        put(operators, key, next);
        return true;
      }

      @Override
      public Optional<Operator> findById(OperatorId id) {
        return Optional.ofNullable(get(operators, id.value()));
      }

      @Override
      public Page<Operator> list(OperatorId after, int limit) {
        if (limit < 1) {
          throw new IllegalArgumentException("limit must be positive");
        }
        NavigableMap<String, Operator> rows = view(operators);
        if (after != null) {
          rows = rows.tailMap(after.value(), false);
        }
        List<Operator> out = new ArrayList<>();
        boolean more = false;
        for (Operator o : rows.values()) {
          if (out.size() == limit) {
            more = true;
            break;
          }
          out.add(o);
        }
        return new Page<>(out, more ? last(out).id().value() : null);
      }

      @Override
      public long count() {
        return view(operators).size();
      }

      @Override
      public boolean anyMemberOf(TeamId team) {
        return view(operators).values().stream().anyMatch(o -> o.teams().contains(team));
      }
    };

    private final TeamRepository teamRepository = new TeamRepository() {
      @Override
      public void insert(Team team) {
        String key = team.id().value();
        if (get(teams, key) != null) {
          throw new UniqueViolation("team " + key, null);
        }
        put(teams, key, team);
      }

      @Override
      public Optional<Team> findById(TeamId id) {
        return Optional.ofNullable(get(teams, id.value()));
      }

      @Override
      public List<Team> list() {
        return List.copyOf(view(teams).values());
      }
    };

    private final OperatorTokenRepository tokenRepository = new OperatorTokenRepository() {
      @Override
      public void insert(OperatorToken token) {
        if (get(tokens, token.id()) != null) {
          throw new UniqueViolation("operator token", null);
        }
        if (findByHash(token.hash()).isPresent()) {
          throw new UniqueViolation("operator token", null);
        }
        put(tokens, token.id(), token);
      }

      @Override
      public Optional<OperatorToken> findByHash(byte[] hash) {
        return view(tokens).values().stream().filter(t -> MessageDigest.isEqual(t.hash(), hash)).findFirst();
      }

      @Override
      public Optional<OperatorToken> findById(String id) {
        return Optional.ofNullable(get(tokens, id));
      }

      @Override
      public List<OperatorToken> listFor(OperatorId operator) {
        return view(tokens).values().stream().filter(t -> t.operatorId().equals(operator)).toList();
      }

      @Override
      public boolean revoke(String id, Instant at) {
        OperatorToken t = get(tokens, id);
        if (t == null || t.revoked()) {
          return false;
        }
        put(tokens, id, new OperatorToken(t.id(), t.operatorId(), t.hash(), t.description(), t.createdAt(),
            t.expiresAt(), at, t.lastUsedAt(), t.stepUpAt()));
        return true;
      }

      @Override
      public void recordStepUp(String id, Instant at) {
        OperatorToken t = get(tokens, id);
        if (t != null) {
          put(tokens, id, new OperatorToken(t.id(), t.operatorId(), t.hash(), t.description(), t.createdAt(),
              t.expiresAt(), t.revokedAt(), t.lastUsedAt(), at));
        }
      }

      @Override
      public int clearStepUps(OperatorId operator) {
        int cleared = 0;
        for (OperatorToken t : listFor(operator)) {
          if (t.stepUpAt() != null) {
            put(tokens, t.id(), new OperatorToken(t.id(), t.operatorId(), t.hash(), t.description(), t.createdAt(),
                t.expiresAt(), t.revokedAt(), t.lastUsedAt(), null));
            cleared++;
          }
        }
        return cleared;
      }

      @Override
      public void recordUse(String id, Instant at) {
        OperatorToken t = get(tokens, id);
        if (t != null) {
          put(tokens, id, new OperatorToken(t.id(), t.operatorId(), t.hash(), t.description(), t.createdAt(),
              t.expiresAt(), t.revokedAt(), at, t.stepUpAt()));
        }
      }
    };

    private final TotpRepository totpRepository = new TotpRepository() {
      @Override
      public Optional<TotpFactor> find(OperatorId operator) {
        return Optional.ofNullable(get(totpFactors, operator.value()));
      }

      @Override
      public Optional<TotpFactor> lockAndFind(OperatorId operator) {
        // transactions are already serialized by the store's single lock
        return find(operator);
      }

      @Override
      public void put(TotpFactor factor) {
        Journal.this.put(totpFactors, factor.operatorId().value(), factor);
      }

      @Override
      public void delete(OperatorId operator) {
        if (get(totpFactors, operator.value()) != null) {
          Journal.this.put(totpFactors, operator.value(), null);
        }
      }

      @Override
      public boolean advanceStep(OperatorId operator, long step) {
        TotpFactor f = get(totpFactors, operator.value());
        if (f == null || step <= f.lastUsedStep()) {
          return false;
        }
        Journal.this.put(totpFactors, operator.value(),
            new TotpFactor(f.operatorId(), f.sealedSeed(), f.confirmed(), step, f.createdAt()));
        return true;
      }
    };

    private final AuditLog auditLog = new AuditLog() {
      @Override
      public AuditEvent append(AuditRecord record, Instant time) {
        requireWritable();
        for (Journal enclosing : open) {
          if (enclosing != Journal.this && !enclosing.appended.isEmpty()) {
            throw new IllegalStateException("a nested transaction appends to the audit chain while its enclosing "
                + "transaction holds the chain head; a database would wait for ever");
          }
        }
        ChainHead h = currentHead();
        // Store a deep, immutable copy, read back the way a database would (integers as Long, collections
        // as lists), so a caller mutating its map afterwards cannot change a sealed event.
        AuditRecord stored = new AuditRecord(record.actor(), record.action(), record.target(),
            detached(record.details()), record.outcome(), record.requestId());
        AuditEvent e = AuditChain.seal(stored, h.seq() + 1, time, h.hash());
        appended.add(e);
        return e;
      }

      @Override
      public List<AuditEvent> query(AuditQuery q) {
        List<AuditEvent> out = new ArrayList<>();
        for (AuditEvent e : all()) {
          if (out.size() == q.limit()) {
            break;
          }
          if (e.seq() > q.afterSeq()
              && (q.target() == null || q.target().equals(e.target()))
              && (q.actor() == null || q.actor().equals(e.actor()))
              && (q.action() == null || q.action().equals(e.action()))
              && (q.from() == null || !e.time().isBefore(q.from()))
              && (q.to() == null || e.time().isBefore(q.to()))) {
            out.add(e);
          }
        }
        return out;
      }

      @Override
      public void scan(long afterSeq, int batch, Consumer<AuditEvent> sink) {
        if (batch < 1) {
          throw new IllegalArgumentException("batch must be positive");
        }
        for (AuditEvent e : all()) {
          if (e.seq() > afterSeq) {
            sink.accept(e);
          }
        }
      }

      @Override
      public ChainHead head() {
        requireOpen();
        return currentHead();
      }

      private List<AuditEvent> all() {
        requireOpen();
        List<AuditEvent> all = new ArrayList<>(events.size() + appended.size());
        all.addAll(events);
        all.addAll(appended);
        return all;
      }
    };

    private final CredentialRepository credentialRepository = new CredentialRepository() {
      @Override
      public void insert(Credential c) {
        String key = c.id().value();
        boolean clash = get(credentials, key) != null || view(credentials).values().stream().anyMatch(o ->
            (c.serial() != null && c.serial().equals(o.serial()))
                || (c.thumbprint() != null && c.type() == o.type() && c.thumbprint().equals(o.thumbprint()))
                || (c.secretHash() != null && c.secretHash().equals(o.secretHash())));
        if (clash) {
          throw new UniqueViolation("credential " + key, null);
        }
        put(credentials, key, c);
      }

      @Override
      public boolean update(Credential next) {
        String key = next.id().value();
        Credential stored = get(credentials, key);
        if (stored == null || stored.version() != next.version() - 1) {
          return false;
        }
        put(credentials, key, next.withLastUsedAt(stored.lastUsedAt()));
        return true;
      }

      @Override
      public void recordUse(CredentialId id, Instant at) {
        Credential stored = get(credentials, id.value());
        if (stored != null && (stored.lastUsedAt() == null || stored.lastUsedAt().isBefore(at))) {
          put(credentials, id.value(), stored.withLastUsedAt(at));
        }
      }

      @Override
      public Optional<Credential> findById(CredentialId id) {
        return Optional.ofNullable(get(credentials, id.value()));
      }

      @Override
      public Optional<Credential> findBySerial(BigInteger serial) {
        return view(credentials).values().stream().filter(c -> serial.equals(c.serial())).findFirst();
      }

      @Override
      public Optional<Credential> findByThumbprint(CredentialType type, Thumbprint thumbprint) {
        return view(credentials).values().stream()
            .filter(c -> c.type() == type && thumbprint.equals(c.thumbprint())).findFirst();
      }

      @Override
      public Optional<Credential> findBySecretHash(SecretHash hash) {
        return view(credentials).values().stream().filter(c -> hash.equals(c.secretHash())).findFirst();
      }

      @Override
      public List<Credential> findByPublicKey(Thumbprint spkiFingerprint) {
        return view(credentials).values().stream()
            .filter(c -> c.publicKey() != null && c.publicKey().fingerprint().equals(spkiFingerprint)).toList();
      }

      @Override
      public List<Credential> listForIdentity(IdentityId identity) {
        return view(credentials).values().stream().filter(c -> c.identityId().equals(identity))
            .sorted(Comparator.comparing(Credential::boundAt).thenComparing(c -> c.id().value())).toList();
      }

      @Override
      public Page<Credential> search(CredentialQuery q) {
        List<Credential> out = new ArrayList<>();
        boolean more = false;
        for (Credential c : view(credentials).values()) {
          if (!q.matches(c, get(identities, c.identityId().value()).kind())) {
            continue;
          }
          if (out.size() == q.limit()) {
            more = true;
            break;
          }
          out.add(c);
        }
        return new Page<>(out, more ? last(out).id().value() : null);
      }

      @Override
      public long count(CredentialQuery q) {
        CredentialQuery all = q.after(null);
        return view(credentials).values().stream()
            .filter(c -> all.matches(c, get(identities, c.identityId().value()).kind())).count();
      }

      @Override
      public List<RevokedCertificate> revokedUnexpired(Instant now) {
        return view(credentials).values().stream()
            .filter(c -> c.type() == CredentialType.X509_SVID && c.revoked() && c.notAfter().isAfter(now))
            .sorted(Comparator.comparing(Credential::serial))
            .map(c -> new RevokedCertificate(c.serial(), c.revokedAt(), c.revocationReason()))
            .toList();
      }

      @Override
      public List<IdentityId> identitiesWithoutActiveCredential(Instant now, int limit) {
        return withoutActiveCredential(now).limit(limit).toList();
      }

      @Override
      public long countIdentitiesWithoutActiveCredential(Instant now) {
        return withoutActiveCredential(now).count();
      }

      private java.util.stream.Stream<IdentityId> withoutActiveCredential(Instant now) {
        java.util.Set<IdentityId> covered = new java.util.HashSet<>();
        view(credentials).values().stream()
            .filter(c -> c.status() == CredentialStatus.ACTIVE && c.notAfter().isAfter(now))
            .forEach(c -> covered.add(c.identityId()));
        return view(identities).values().stream()
            .filter(i -> !i.retired() && !covered.contains(i.id()))
            .map(Identity::id);
      }
    };

    private final LineageRepository lineageRepository = new LineageRepository() {
      @Override
      public void insert(Lineage lineage) {
        if (get(lineages, lineage.id().value()) != null) {
          throw new UniqueViolation("lineage " + lineage.id(), null);
        }
        put(lineages, lineage.id().value(), lineage);
      }

      @Override
      public boolean update(Lineage next) {
        Lineage stored = get(lineages, next.id().value());
        if (stored == null || stored.version() != next.version() - 1) {
          return false;
        }
        put(lineages, next.id().value(), next);
        return true;
      }

      @Override
      public Optional<Lineage> findById(LineageId id) {
        return Optional.ofNullable(get(lineages, id.value()));
      }
    };

    private final EnrolmentCodeRepository enrolmentCodeRepository = new EnrolmentCodeRepository() {
      @Override
      public void insert(EnrolmentCode code) {
        if (get(enrolmentCodes, code.hash().hex()) != null) {
          throw new UniqueViolation("enrolment code", null);
        }
        put(enrolmentCodes, code.hash().hex(), code);
      }

      @Override
      public Optional<EnrolmentCode> findByHash(SecretHash hash) {
        return Optional.ofNullable(get(enrolmentCodes, hash.hex()));
      }

      @Override
      public boolean markUsed(SecretHash hash, Instant at, CredentialId credential, String source) {
        EnrolmentCode c = get(enrolmentCodes, hash.hex());
        if (c == null || c.used() || c.revoked()) {
          return false;
        }
        put(enrolmentCodes, hash.hex(), new EnrolmentCode(c.hash(), c.identityId(), c.createdBy(), c.createdAt(),
            c.expiresAt(), at, credential, c.supportActionId(), source, null));
        return true;
      }

      @Override
      public boolean markRevoked(SecretHash hash, Instant at) {
        EnrolmentCode c = get(enrolmentCodes, hash.hex());
        if (c == null || c.used() || c.revoked()) {
          return false;
        }
        put(enrolmentCodes, hash.hex(), new EnrolmentCode(c.hash(), c.identityId(), c.createdBy(), c.createdAt(),
            c.expiresAt(), null, null, c.supportActionId(), null, at));
        return true;
      }

      @Override
      public List<EnrolmentCode> listForIdentity(IdentityId identity) {
        return view(enrolmentCodes).values().stream().filter(c -> c.identityId().equals(identity))
            .sorted(Comparator.comparing(EnrolmentCode::createdAt).thenComparing(c -> c.hash().hex())).toList();
      }

      @Override
      public List<EnrolmentCode> listForSupportAction(SupportActionId action) {
        return view(enrolmentCodes).values().stream().filter(c -> action.equals(c.supportActionId()))
            .sorted(Comparator.comparing(EnrolmentCode::createdAt).thenComparing(c -> c.hash().hex())).toList();
      }
    };

    @Override
    public TotpResetRepository totpResets() {
      return totpResetRepository;
    }

    @Override
    public RecoveryCodeRepository recoveryCodes() {
      return recoveryCodeRepository;
    }

    private final TotpResetRepository totpResetRepository = new TotpResetRepository() {
      @Override
      public void insert(TotpReset reset) {
        if (get(totpResets, reset.hash().hex()) != null) {
          throw new UniqueViolation("totp reset", null);
        }
        put(totpResets, reset.hash().hex(), reset);
      }

      @Override
      public Optional<TotpReset> findByHash(SecretHash hash) {
        return Optional.ofNullable(get(totpResets, hash.hex()));
      }

      @Override
      public boolean markUsed(SecretHash hash, Instant at) {
        TotpReset r = get(totpResets, hash.hex());
        if (r == null || r.used() || r.revoked()) {
          return false;
        }
        put(totpResets, hash.hex(), new TotpReset(r.hash(), r.operatorId(), r.supportActionId(), r.createdBy(),
            r.createdAt(), r.expiresAt(), at, null));
        return true;
      }

      @Override
      public boolean markRevoked(SecretHash hash, Instant at) {
        TotpReset r = get(totpResets, hash.hex());
        if (r == null || r.used() || r.revoked()) {
          return false;
        }
        put(totpResets, hash.hex(), new TotpReset(r.hash(), r.operatorId(), r.supportActionId(), r.createdBy(),
            r.createdAt(), r.expiresAt(), null, at));
        return true;
      }

      @Override
      public List<TotpReset> listForOperator(OperatorId operator) {
        return view(totpResets).values().stream().filter(r -> r.operatorId().equals(operator))
            .sorted(Comparator.comparing(TotpReset::createdAt).thenComparing(r -> r.hash().hex())).toList();
      }

      @Override
      public List<TotpReset> listForSupportAction(SupportActionId action) {
        return view(totpResets).values().stream().filter(r -> r.supportActionId().equals(action))
            .sorted(Comparator.comparing(TotpReset::createdAt).thenComparing(r -> r.hash().hex())).toList();
      }
    };

    private final RecoveryCodeRepository recoveryCodeRepository = new RecoveryCodeRepository() {
      @Override
      public void insert(RecoveryCode code) {
        if (get(recoveryCodes, code.hash().hex()) != null) {
          throw new UniqueViolation("recovery code", null);
        }
        put(recoveryCodes, code.hash().hex(), code);
      }

      @Override
      public Optional<RecoveryCode> findByHash(SecretHash hash) {
        return Optional.ofNullable(get(recoveryCodes, hash.hex()));
      }

      @Override
      public boolean markUsed(SecretHash hash, Instant at, String usedFor) {
        RecoveryCode c = get(recoveryCodes, hash.hex());
        if (c == null || !c.valid()) {
          return false;
        }
        put(recoveryCodes, hash.hex(), new RecoveryCode(c.hash(), c.identityId(), c.supportActionId(), c.createdAt(),
            at, usedFor, null));
        return true;
      }

      @Override
      public int invalidateForIdentity(IdentityId identity, Instant at) {
        return invalidate(c -> c.identityId().equals(identity), at);
      }

      @Override
      public int invalidateForSupportAction(SupportActionId action, Instant at) {
        return invalidate(c -> c.supportActionId().equals(action), at);
      }

      private int invalidate(java.util.function.Predicate<RecoveryCode> which, Instant at) {
        List<RecoveryCode> valid = view(recoveryCodes).values().stream().filter(c -> c.valid() && which.test(c))
            .toList();
        valid.forEach(c -> put(recoveryCodes, c.hash().hex(), new RecoveryCode(c.hash(), c.identityId(),
            c.supportActionId(), c.createdAt(), null, null, at)));
        return valid.size();
      }

      @Override
      public List<RecoveryCode> listForIdentity(IdentityId identity) {
        return view(recoveryCodes).values().stream().filter(c -> c.identityId().equals(identity))
            .sorted(Comparator.comparing(RecoveryCode::createdAt).thenComparing(c -> c.hash().hex())).toList();
      }
    };

    private final RotationPolicyRepository rotationPolicyRepository = new RotationPolicyRepository() {
      @Override
      public Optional<RotationPolicy> find(IdentityKind kind, CredentialType type) {
        return Optional.ofNullable(get(rotationPolicies, policyKey(kind, type)));
      }

      @Override
      public List<RotationPolicy> list() {
        return List.copyOf(view(rotationPolicies).values());
      }

      @Override
      public void put(RotationPolicy policy) {
        Journal.this.put(rotationPolicies, policyKey(policy.identityKind(), policy.credentialType()), policy);
      }
    };

    private final SigningKeyRepository signingKeyRepository = new SigningKeyRepository() {
      @Override
      public List<StoredSigningKey> list() {
        return view(signingKeys).values().stream()
            .sorted(Comparator.comparing(StoredSigningKey::createdAt).thenComparing(StoredSigningKey::kid)).toList();
      }

      @Override
      public void insert(StoredSigningKey key) {
        if (get(signingKeys, key.kid()) != null) {
          throw new UniqueViolation("signing key " + key.kid(), null);
        }
        requireSlotFree(key);
        put(signingKeys, key.kid(), key);
      }

      @Override
      public boolean update(StoredSigningKey next) {
        StoredSigningKey stored = get(signingKeys, next.kid());
        if (stored == null || stored.version() != next.version() - 1) {
          return false;
        }
        requireSlotFree(next);
        put(signingKeys, next.kid(), next);
        return true;
      }

      @Override
      public boolean deleteRetired(String kid, long version) {
        StoredSigningKey stored = get(signingKeys, kid);
        if (stored == null || stored.version() != version || stored.state() != SigningKeyState.RETIRED) {
          return false;
        }
        put(signingKeys, kid, null);
        return true;
      }

      private void requireSlotFree(StoredSigningKey key) {
        String slot = key.state().slot();
        if (slot != null && view(signingKeys).values().stream()
            .anyMatch(o -> !o.kid().equals(key.kid()) && slot.equals(o.state().slot()))) {
          throw new UniqueViolation("signing key slot " + slot, null);
        }
      }
    };

    private final ResourceServerRepository resourceServerRepository = new ResourceServerRepository() {
      @Override
      public void insert(ResourceServer server) {
        if (get(resourceServers, server.audience().value()) != null) {
          throw new UniqueViolation("resource server " + server.audience(), null);
        }
        put(resourceServers, server.audience().value(), server);
      }

      @Override
      public Optional<ResourceServer> find(Audience audience) {
        return Optional.ofNullable(get(resourceServers, audience.value()));
      }

      @Override
      public List<ResourceServer> list() {
        return List.copyOf(view(resourceServers).values());
      }

      @Override
      public List<ResourceServer> listForIdentity(IdentityId identity) {
        return view(resourceServers).values().stream().filter(s -> identity.equals(s.identityId())).toList();
      }
    };

    private final TokenPolicyRepository tokenPolicyRepository = new TokenPolicyRepository() {
      @Override
      public Optional<TokenPolicy> find(IdentityId identity) {
        return Optional.ofNullable(get(tokenPolicies, identity.value()));
      }

      @Override
      public void insert(TokenPolicy policy) {
        if (policy.version() != 1) {
          throw new IllegalArgumentException("a new token policy has version 1");
        }
        if (get(tokenPolicies, policy.identityId().value()) != null) {
          throw new UniqueViolation("token policy " + policy.identityId(), null);
        }
        put(tokenPolicies, policy.identityId().value(), policy);
      }

      @Override
      public boolean update(TokenPolicy next) {
        TokenPolicy stored = get(tokenPolicies, next.identityId().value());
        if (stored == null || stored.version() != next.version() - 1) {
          return false;
        }
        put(tokenPolicies, next.identityId().value(), next);
        return true;
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> detached(Map<String, Object> details) {
    return (Map<String, Object>) detachedValue(details);
  }

  private static Object detachedValue(Object v) {
    if (v instanceof Integer i) {
      return i.longValue();
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> copy = new LinkedHashMap<>();
      m.forEach((k, val) -> copy.put((String) k, detachedValue(val)));
      return Collections.unmodifiableMap(copy);
    }
    if (v instanceof Collection<?> c) {
      List<Object> copy = new ArrayList<>(c.size());
      c.forEach(o -> copy.add(detachedValue(o)));
      return Collections.unmodifiableList(copy);
    }
    return v;
  }

  private static String policyKey(IdentityKind kind, CredentialType type) {
    return kind.wire() + "/" + type.wire();
  }

  private static <T> T last(List<T> list) {
    return list.get(list.size() - 1);
  }
}

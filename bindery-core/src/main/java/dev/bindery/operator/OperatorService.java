package dev.bindery.operator;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.AuditQuery;
import dev.bindery.audit.Outcome;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.Hashing;
import dev.bindery.common.Page;
import dev.bindery.common.RandomIds;
import dev.bindery.common.RejectedException;
import dev.bindery.common.Secret;
import dev.bindery.credential.SecretHash;
import dev.bindery.identity.TeamId;
import dev.bindery.security.Authorizer;
import dev.bindery.security.Caller;
import dev.bindery.security.SecretSealer;
import dev.bindery.security.Totp;
import dev.bindery.store.AuditedTransactor;
import dev.bindery.store.Tx;
import dev.bindery.store.UniqueViolation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Operators, their API tokens, TOTP factors and step-up, and teams.
 *
 * <p>Tokens are {@code bnd_op_} and 256 random bits in base32; only their SHA-256 is stored. A token is
 * shown once, expires (at most {@link #MAX_TOKEN_LIFETIME}) and can be revoked. TOTP codes are RFC 6238 with
 * a ±1 step window; a code whose step is at or below the last accepted step is refused as a replay, and
 * step-up locks after {@link #STEP_UP_MAX_FAILURES} failed attempts within {@link #STEP_UP_FAILURE_WINDOW}.
 */
public final class OperatorService {
  public static final String TOKEN_PREFIX = "bnd_op_";
  public static final Duration MAX_TOKEN_LIFETIME = Duration.ofDays(365);
  public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofDays(30);
  private static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);
  /** Failed step-up attempts that lock step-up when they fall within {@link #STEP_UP_FAILURE_WINDOW}. */
  public static final int STEP_UP_MAX_FAILURES = 5;
  public static final Duration STEP_UP_FAILURE_WINDOW = Duration.ofMinutes(15);
  private static final String STEP_UP = "operator.step_up";
  private static final Set<String> FAILED_STEP_UP_CODES =
      Set.of(ErrorCode.TOTP_INVALID.code(), ErrorCode.TOTP_REPLAYED.code());

  private final AuditedTransactor tx;
  private final Authorizer authz;
  private final SecureRandom random;
  private final SecretSealer sealer;
  private final Totp totp = Totp.standard();
  private final String issuerLabel;

  public OperatorService(AuditedTransactor tx, Authorizer authz, SecureRandom random, SecretSealer sealer,
      String issuerLabel) {
    this.tx = tx;
    this.authz = authz;
    this.random = random;
    this.sealer = sealer;
    this.issuerLabel = issuerLabel;
  }

  // ---- bootstrap ----------------------------------------------------------------------------------

  /** On first start (no operator at all): creates an admin and returns its token; otherwise empty. */
  public Optional<IssuedToken> bootstrapIfEmpty(String adminName, Duration tokenLifetime) {
    Caller system = Caller.system("bootstrap");
    return tx.write(system, "operator.bootstrap", "", t -> {
      if (t.operators().count() > 0) {
        return Optional.<IssuedToken>empty();
      }
      Instant now = tx.clock().instant();
      Operator admin = new Operator(OperatorId.generate(random), adminName, Set.of(Role.ADMIN), Set.of(),
          OperatorStatus.ACTIVE, 1, now, now);
      t.operators().insert(admin);
      tx.record(t, system, "operator.bootstrap", admin.id().value(), Map.of("after", snapshot(admin)));
      return Optional.of(issueTokenIn(t, system, admin.id(), "bootstrap", tokenLifetime));
    });
  }

  // ---- authentication -----------------------------------------------------------------------------

  /**
   * Authenticates a presented operator token. Unknown tokens get {@code token_invalid}; known but expired,
   * revoked or disabled ones get their precise code and are audited as denied.
   */
  public Caller authenticate(String presented, String requestId) {
    if (presented == null || !presented.startsWith(TOKEN_PREFIX) || presented.length() > 200) {
      throw new RejectedException(ErrorCode.TOKEN_INVALID, "operator token is malformed or unknown");
    }
    byte[] hash = Hashing.sha256(presented.getBytes(StandardCharsets.UTF_8));
    Instant now = tx.clock().instant();
    Object outcome = tx.write(null, "operator.authenticate", "", t -> {
      OperatorToken token = t.operatorTokens().findByHash(hash)
          .filter(found -> MessageDigest.isEqual(found.hash(), hash))
          .orElse(null);
      if (token == null) {
        return UNKNOWN_TOKEN;
      }
      Operator op = t.operators().findById(token.operatorId()).orElseThrow();
      if (token.revoked()) {
        return new Refusal(op.id(), token.id(), new RejectedException(ErrorCode.TOKEN_REVOKED, "operator token was revoked"));
      } else if (!now.isBefore(token.expiresAt())) {
        return new Refusal(op.id(), token.id(), new RejectedException(ErrorCode.TOKEN_EXPIRED, "operator token expired"));
      } else if (op.status() != OperatorStatus.ACTIVE) {
        return new Refusal(op.id(), token.id(), new RejectedException(ErrorCode.OPERATOR_DISABLED, "operator is disabled"));
      }
      if (token.lastUsedAt() == null || token.lastUsedAt().plus(LAST_USED_GRANULARITY).isBefore(now)) {
        t.operatorTokens().recordUse(token.id(), now);
      }
      return new Caller(op.id(), op.roles(), op.teams(), token.id(), token.stepUpAt(), requestId);
    });
    if (outcome == UNKNOWN_TOKEN) {
      // thrown outside the audited write: recording every guessed token would let anyone fill the audit log
      throw new RejectedException(ErrorCode.TOKEN_INVALID, "operator token is malformed or unknown");
    }
    if (outcome instanceof Refusal r) {
      // Recorded after the lookup transaction has ended: a store may run a nested transaction on the same
      // connection, and a refusal recorded inside a transaction that then rolls back would be lost.
      throw tx.recordedRefusal(r.operator().value(), "operator.authenticate", r.tokenId(), r.rejection(), requestId);
    }
    return (Caller) outcome;
  }

  /** The lookup's answer for a token that is not stored. */
  private static final Object UNKNOWN_TOKEN = new Object();

  /** A known token that may not be used, with the operator it belongs to (the actor of the denied event). */
  private record Refusal(OperatorId operator, String tokenId, RejectedException rejection) {}

  // ---- operators ------------------------------------------------------------------------------------

  /** Creates an operator (admin only; with roles, a step-up too) and its first token. */
  public IssuedToken create(Caller caller, String name, Set<Role> roles, Set<TeamId> teams, Duration tokenLifetime) {
    return tx.write(caller, "operator.create", "", t -> {
      authz.requireAdmin(caller, "create operators");
      if (!roles.isEmpty()) {
        authz.requireRoleGrant(caller);
      }
      for (TeamId team : teams) {
        requireTeam(t, team);
      }
      Instant now = tx.clock().instant();
      Operator op = new Operator(OperatorId.generate(random), name, roles, teams, OperatorStatus.ACTIVE, 1, now, now);
      t.operators().insert(op);
      tx.record(t, caller, "operator.create", op.id().value(), Map.of("after", snapshot(op)));
      return issueTokenIn(t, caller, op.id(), "initial", tokenLifetime);
    });
  }

  public Operator get(Caller caller, OperatorId id) {
    authz.requireAuthenticated(caller);
    return tx.transactor().read(t -> load(t, id));
  }

  public Page<Operator> list(Caller caller, OperatorId after, int limit) {
    authz.requireAuthenticated(caller);
    if (limit < 1 || limit > 500) {
      throw new RejectedException(ErrorCode.INVALID_QUERY, "limit must be between 1 and 500", "limit");
    }
    return tx.transactor().read(t -> t.operators().list(after, limit));
  }

  public Operator grantRole(Caller caller, OperatorId id, long expectedVersion, Role role) {
    return changeOperator(caller, "operator.grant_role", id, expectedVersion, (t, op) -> {
      authz.requireRoleGrant(caller);
      Set<Role> next = op.roles().isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(op.roles());
      if (!next.add(role)) {
        throw new RejectedException(ErrorCode.INVALID_TRANSITION, "operator already has role " + role.wire());
      }
      return op.withRoles(next, tx.clock().instant());
    });
  }

  public Operator revokeRole(Caller caller, OperatorId id, long expectedVersion, Role role) {
    return changeOperator(caller, "operator.revoke_role", id, expectedVersion, (t, op) -> {
      authz.requireRoleGrant(caller);
      Set<Role> next = op.roles().isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(op.roles());
      if (!next.remove(role)) {
        throw new RejectedException(ErrorCode.INVALID_TRANSITION, "operator does not have role " + role.wire());
      }
      if (role == Role.ADMIN && op.id().equals(caller.operatorId())) {
        throw new RejectedException(ErrorCode.INVALID_TRANSITION, "an admin cannot remove their own admin role");
      }
      return op.withRoles(next, tx.clock().instant());
    });
  }

  public Operator addTeam(Caller caller, OperatorId id, long expectedVersion, TeamId team) {
    return changeOperator(caller, "operator.add_team", id, expectedVersion, (t, op) -> {
      authz.requireAdmin(caller, "change team membership");
      requireTeam(t, team);
      Set<TeamId> next = new TreeSet<>(java.util.Comparator.comparing(TeamId::value));
      next.addAll(op.teams());
      if (!next.add(team)) {
        throw new RejectedException(ErrorCode.INVALID_TRANSITION, "operator is already a member of " + team);
      }
      return op.withTeams(next, tx.clock().instant());
    });
  }

  public Operator removeTeam(Caller caller, OperatorId id, long expectedVersion, TeamId team) {
    return changeOperator(caller, "operator.remove_team", id, expectedVersion, (t, op) -> {
      authz.requireAdmin(caller, "change team membership");
      Set<TeamId> next = new TreeSet<>(java.util.Comparator.comparing(TeamId::value));
      next.addAll(op.teams());
      if (!next.remove(team)) {
        throw new RejectedException(ErrorCode.INVALID_TRANSITION, "operator is not a member of " + team);
      }
      return op.withTeams(next, tx.clock().instant());
    });
  }

  public Operator setStatus(Caller caller, OperatorId id, long expectedVersion, OperatorStatus status) {
    return changeOperator(caller, status == OperatorStatus.ACTIVE ? "operator.enable" : "operator.disable", id,
        expectedVersion, (t, op) -> {
          authz.requireAdmin(caller, "enable or disable operators");
          if (op.status() == status) {
            throw new RejectedException(ErrorCode.INVALID_TRANSITION, "operator is already " + status.wire());
          }
          if (op.id().equals(caller.operatorId())) {
            throw new RejectedException(ErrorCode.INVALID_TRANSITION, "an operator cannot disable themselves");
          }
          return op.withStatus(status, tx.clock().instant());
        });
  }

  private interface OperatorChange {
    Operator apply(Tx t, Operator current);
  }

  private Operator changeOperator(Caller caller, String action, OperatorId id, long expectedVersion,
      OperatorChange fn) {
    return tx.write(caller, action, id.value(), t -> {
      Operator current = load(t, id);
      Operator next = fn.apply(t, current);
      if (current.version() != expectedVersion || !t.operators().update(next)) {
        throw new RejectedException(ErrorCode.VERSION_CONFLICT,
            "operator was changed by someone else; re-read it (current version " + current.version() + ")");
      }
      Map<String, Object> d = new LinkedHashMap<>(dev.bindery.identity.IdentityAudit.diff(snapshot(current), snapshot(next)));
      d.put("version", next.version());
      tx.record(t, caller, action, id.value(), d);
      return next;
    });
  }

  // ---- tokens ---------------------------------------------------------------------------------------

  /** Issues a token to {@code operator}: for oneself any operator may; for another, an admin. */
  public IssuedToken issueToken(Caller caller, OperatorId operator, String description, Duration lifetime) {
    return tx.write(caller, "operator.token.issue", operator.value(), t -> {
      requireSelfOrAdmin(caller, operator);
      load(t, operator);
      return issueTokenIn(t, caller, operator, description, lifetime);
    });
  }

  private IssuedToken issueTokenIn(Tx t, Caller caller, OperatorId operator, String description, Duration lifetime) {
    if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_TOKEN_LIFETIME) > 0) {
      throw RejectedException.invalid("expires_in", "token lifetime must be between 1 second and 365 days");
    }
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    Secret value = Secret.of(TOKEN_PREFIX + RandomIds.base32(raw));
    Instant now = tx.clock().instant();
    OperatorToken token = new OperatorToken(RandomIds.generate("tok_", random), operator,
        Hashing.sha256(value.revealBytes()), dev.bindery.identity.Text.optional("description", description, 200),
        now, now.plus(lifetime), null, null, null);
    t.operatorTokens().insert(token);
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("token_id", token.id());
    d.put("expires_at", token.expiresAt().toString());
    tx.record(t, caller, "operator.token.issue", operator.value(), d);
    return new IssuedToken(token, value);
  }

  public List<OperatorToken> tokens(Caller caller, OperatorId operator) {
    authz.requireAuthenticated(caller);
    // Through the audited read so that a refused listing of another operator's tokens is recorded as denied.
    return tx.read(caller, "operator.token.list", operator.value(), t -> {
      requireSelfOrAdmin(caller, operator);
      return t.operatorTokens().listFor(operator);
    });
  }

  public void revokeToken(Caller caller, String tokenId) {
    tx.write(caller, "operator.token.revoke", tokenId, t -> {
      OperatorToken token = t.operatorTokens().findById(tokenId)
          .orElseThrow(() -> new RejectedException(ErrorCode.TOKEN_NOT_FOUND, "no token " + tokenId));
      requireSelfOrAdmin(caller, token.operatorId());
      if (!t.operatorTokens().revoke(tokenId, tx.clock().instant())) {
        throw new RejectedException(ErrorCode.INVALID_TRANSITION, "token is already revoked");
      }
      tx.record(t, caller, "operator.token.revoke", token.operatorId().value(), Map.of("token_id", tokenId));
      return null;
    });
  }

  private void requireSelfOrAdmin(Caller caller, OperatorId operator) {
    if (caller.isSystem() || !operator.equals(caller.operatorId())) {
      authz.requireAdmin(caller, "manage another operator's tokens");
    }
  }

  // ---- TOTP and step-up -----------------------------------------------------------------------------

  /**
   * Starts TOTP enrolment for the caller: a new seed, unconfirmed until {@link #confirmTotp}. Refused when a confirmed
   * factor exists ({@code totp_already_enrolled}: it is replaced only through the support desk), and, for an operator
   * whose factor the support desk removed and who has no confirmed factor since, with {@code totp_recovery_required}
   * (audited): the new factor is enrolled only with the temporary code ({@link #recoverTotp}).
   */
  public TotpEnrolment enrolTotp(Caller caller) {
    requireOperator(caller);
    return tx.write(caller, "operator.totp.enrol", caller.actor(), t -> {
      Optional<TotpFactor> existing = t.totp().find(caller.operatorId());
      if (existing.isPresent() && existing.get().confirmed()) {
        throw new RejectedException(ErrorCode.TOTP_ALREADY_ENROLLED,
            "a confirmed TOTP factor exists; it is replaced only through the support desk");
      }
      if (!t.totpResets().listForOperator(caller.operatorId()).isEmpty()) {
        throw new RejectedException(ErrorCode.TOTP_RECOVERY_REQUIRED, "the support desk reset this TOTP factor; "
            + "enrol the new one with the temporary code delivered to your team (POST /api/v1/operators/me/totp/recover)");
      }
      TotpEnrolment enrolment = newFactor(t, caller.operatorId());
      tx.record(t, caller, "operator.totp.enrol", caller.actor(), Map.of());
      return enrolment;
    });
  }

  /**
   * Starts the enrolment of a new TOTP factor with a temporary code of the support desk ({@link TotpReset}), for the
   * operator the code was issued to, authenticated with their own token: marks the code used and returns a new seed,
   * unconfirmed until {@link #confirmTotp}. Refused with {@code totp_enrolment_code_invalid} (audited as denied with
   * the precise reason, never the code) for a malformed, unknown, used, revoked or expired code, or one issued for
   * another operator; nothing is written then.
   */
  public TotpEnrolment recoverTotp(Caller caller, String code) {
    requireOperator(caller);
    String action = "operator.totp.recover";
    return tx.write(caller, action, caller.actor(), t -> {
      if (!TotpResets.wellFormed(code)) {
        throw invalidTotpCode("the temporary totp enrolment code is malformed");
      }
      SecretHash hash = SecretHash.of(Secret.of(code));
      TotpReset reset = t.totpResets().findByHash(hash).filter(found -> found.hash().matches(hash))
          .orElseThrow(() -> invalidTotpCode("the temporary totp enrolment code is unknown"));
      if (!reset.operatorId().equals(caller.operatorId())) {
        throw invalidTotpCode("the temporary totp enrolment code " + reset.ref() + " was issued for another operator");
      }
      if (reset.used()) {
        throw invalidTotpCode("the temporary totp enrolment code " + reset.ref() + " was already used");
      }
      if (reset.revoked()) {
        throw invalidTotpCode("the temporary totp enrolment code " + reset.ref() + " was revoked");
      }
      Instant now = tx.clock().instant();
      if (reset.expiredAt(now)) {
        throw invalidTotpCode("the temporary totp enrolment code " + reset.ref() + " expired");
      }
      if (!t.totpResets().markUsed(hash, now)) {
        throw invalidTotpCode("the temporary totp enrolment code " + reset.ref() + " was already used");
      }
      TotpEnrolment enrolment = newFactor(t, caller.operatorId());
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("code_ref", reset.ref());
      d.put("support_action_id", reset.supportActionId().value());
      tx.record(t, caller, action, caller.actor(), d);
      return enrolment;
    });
  }

  private static RejectedException invalidTotpCode(String reason) {
    return new RejectedException(ErrorCode.TOTP_ENROLMENT_CODE_INVALID, reason);
  }

  /** Stores a new unconfirmed factor for {@code operator} (replacing an unconfirmed one) and returns its seed. */
  private TotpEnrolment newFactor(Tx t, OperatorId operator) {
    byte[] seed = new byte[20];
    random.nextBytes(seed);
    byte[] aad = operator.value().getBytes(StandardCharsets.UTF_8);
    t.totp().put(new TotpFactor(operator, sealer.seal(seed, aad), false, -1, tx.clock().instant()));
    String b32 = base32Upper(seed);
    java.util.Arrays.fill(seed, (byte) 0);
    String label = urlEncode(issuerLabel) + ":" + operator.value();
    return new TotpEnrolment(Secret.of(b32), Secret.of("otpauth://totp/" + label + "?secret=" + b32
        + "&issuer=" + urlEncode(issuerLabel) + "&algorithm=SHA1&digits=6&period=30"));
  }

  /** Confirms a pending factor with a first valid code. */
  public void confirmTotp(Caller caller, String code) {
    requireOperator(caller);
    tx.write(caller, "operator.totp.confirm", caller.actor(), t -> {
      TotpFactor f = t.totp().find(caller.operatorId())
          .orElseThrow(() -> new RejectedException(ErrorCode.TOTP_NOT_ENROLLED, "no TOTP enrolment in progress"));
      if (f.confirmed()) {
        throw new RejectedException(ErrorCode.TOTP_ALREADY_ENROLLED, "TOTP factor is already confirmed");
      }
      long step = checkCode(caller, f, code);
      t.totp().put(new TotpFactor(f.operatorId(), f.sealedSeed(), true, step, f.createdAt()));
      tx.record(t, caller, "operator.totp.confirm", caller.actor(), Map.of());
      return null;
    });
  }

  /**
   * Verifies a TOTP code and records a step-up on the caller's token; sensitive actions then pass for the
   * step-up window. Returns when the step-up stops counting.
   *
   * <p>Brute-force limit: once {@link #STEP_UP_MAX_FAILURES} attempts by the same operator have failed
   * ({@code totp_invalid} or {@code totp_replayed}) within {@link #STEP_UP_FAILURE_WINDOW}, with no successful
   * step-up after them, every attempt is refused with {@code totp_locked} (audited as denied) without looking
   * at the code, so a correct code is refused too. The lock lifts when the oldest of those failures is more
   * than the window old, so no operator gets more than five wrong codes per fifteen minutes (RFC 6238 §5.2,
   * RFC 4226 §7.3). The failures are counted from the audit log's denied {@code operator.step_up} events; each
   * failed attempt is recorded in the transaction that holds the operator's factor row lock, so concurrent
   * attempts are counted one after another and cannot get past the limit together.
   */
  public Instant stepUp(Caller caller, String code) {
    requireOperator(caller);
    Object outcome = tx.write(caller, STEP_UP, caller.actor(), t -> {
      TotpFactor f = t.totp().lockAndFind(caller.operatorId()).filter(TotpFactor::confirmed)
          .orElseThrow(() -> new RejectedException(ErrorCode.TOTP_NOT_ENROLLED,
              "enrol and confirm a TOTP factor before stepping up"));
      Instant now = tx.clock().instant();
      Optional<Instant> lockedUntil = stepUpLockedUntil(t, caller.actor(), now);
      if (lockedUntil.isPresent()) {
        throw new RejectedException(ErrorCode.TOTP_LOCKED, "step-up is locked after " + STEP_UP_MAX_FAILURES
            + " failed attempts; try again after " + lockedUntil.get());
      }
      try {
        long step = checkCode(caller, f, code);
        if (!t.totp().advanceStep(caller.operatorId(), step)) {
          throw new RejectedException(ErrorCode.TOTP_REPLAYED, "this TOTP code was already used");
        }
      } catch (RejectedException failed) {
        // committed with this transaction, before the factor's row lock is released (see the Javadoc)
        tx.recordDenied(t, caller, STEP_UP, caller.actor(), failed);
        return new FailedStepUp(failed);
      }
      t.operatorTokens().recordStepUp(caller.tokenId(), now);
      tx.record(t, caller, STEP_UP, caller.actor(), Map.of("token_id", caller.tokenId()));
      return now.plus(authz.stepUpWindow());
    });
    if (outcome instanceof FailedStepUp failed) {
      throw AuditedTransactor.alreadyRecorded(failed.rejection());
    }
    return (Instant) outcome;
  }

  /** A wrong or replayed code, already recorded as denied in the attempt's own transaction. */
  private record FailedStepUp(RejectedException rejection) {}

  /**
   * When step-up by {@code actor} unlocks, if it is locked now: the time the oldest of the last
   * {@link #STEP_UP_MAX_FAILURES} failures (after the last success) leaves the window.
   */
  private static Optional<Instant> stepUpLockedUntil(Tx t, String actor, Instant now) {
    List<Instant> failures = new ArrayList<>();
    AuditQuery query = new AuditQuery(null, actor, STEP_UP, now.minus(STEP_UP_FAILURE_WINDOW), null, 0,
        AuditQuery.MAX_LIMIT);
    List<AuditEvent> page;
    do {
      page = t.audit().query(query);
      for (AuditEvent e : page) {
        if (e.outcome() == Outcome.SUCCESS) {
          failures.clear();
        } else if (e.outcome() == Outcome.DENIED && FAILED_STEP_UP_CODES.contains(e.details().get("code"))) {
          failures.add(e.time());
        }
      }
      if (!page.isEmpty()) {
        query = query.afterSeq(page.get(page.size() - 1).seq());
      }
    } while (page.size() == AuditQuery.MAX_LIMIT);
    if (failures.size() < STEP_UP_MAX_FAILURES) {
      return Optional.empty();
    }
    return Optional.of(failures.get(failures.size() - STEP_UP_MAX_FAILURES).plus(STEP_UP_FAILURE_WINDOW));
  }

  private long checkCode(Caller caller, TotpFactor f, String code) {
    byte[] seed = sealer.open(f.sealedSeed(), caller.operatorId().value().getBytes(StandardCharsets.UTF_8));
    long step = totp.verify(seed, code, tx.clock().instant());
    java.util.Arrays.fill(seed, (byte) 0);
    if (step < 0) {
      throw new RejectedException(ErrorCode.TOTP_INVALID, "TOTP code is not valid");
    }
    if (step <= f.lastUsedStep()) {
      throw new RejectedException(ErrorCode.TOTP_REPLAYED, "this TOTP code was already used");
    }
    return step;
  }

  private static void requireOperator(Caller caller) {
    if (caller == null || caller.isSystem()) {
      throw new RejectedException(ErrorCode.UNAUTHENTICATED, "an operator token is required");
    }
  }

  // ---- teams ----------------------------------------------------------------------------------------

  public Team createTeam(Caller caller, TeamId id, String displayName) {
    return tx.write(caller, "team.create", id.value(), t -> {
      authz.requireAdmin(caller, "create teams");
      Team team = new Team(id, displayName, tx.clock().instant());
      if (t.teams().findById(id).isPresent()) {
        throw new RejectedException(ErrorCode.TEAM_EXISTS, "team '" + id + "' already exists");
      }
      try {
        t.teams().insert(team);
      } catch (UniqueViolation e) {
        throw new RejectedException(ErrorCode.TEAM_EXISTS, "team '" + id + "' already exists");
      }
      tx.record(t, caller, "team.create", id.value(), Map.of("after", Map.of("display_name", team.displayName())));
      return team;
    });
  }

  public List<Team> teams(Caller caller) {
    authz.requireAuthenticated(caller);
    return tx.transactor().read(t -> t.teams().list());
  }

  private static void requireTeam(Tx t, TeamId team) {
    if (t.teams().findById(team).isEmpty()) {
      throw new RejectedException(ErrorCode.TEAM_NOT_FOUND, "team '" + team + "' does not exist", "team");
    }
  }

  private static Operator load(Tx t, OperatorId id) {
    return t.operators().findById(id)
        .orElseThrow(() -> new RejectedException(ErrorCode.OPERATOR_NOT_FOUND, "no operator " + id));
  }

  public static Map<String, Object> snapshot(Operator op) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", op.name());
    List<Object> roles = new ArrayList<>();
    op.roles().stream().map(Role::wire).sorted().forEach(roles::add);
    m.put("roles", roles);
    List<Object> teams = new ArrayList<>();
    op.teams().stream().map(TeamId::value).sorted().forEach(teams::add);
    m.put("teams", teams);
    m.put("status", op.status().wire());
    return m;
  }

  private static String base32Upper(byte[] b) {
    return RandomIds.base32(b).toUpperCase(java.util.Locale.ROOT);
  }

  private static String urlEncode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}

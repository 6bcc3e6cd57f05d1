package dev.bindery.testkit;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.AuditService;
import dev.bindery.audit.ChainHead;
import dev.bindery.credential.CredentialEvents;
import dev.bindery.credential.CredentialService;
import dev.bindery.credential.Lineage;
import dev.bindery.history.IdentityHistory;
import dev.bindery.identity.IdentityService;
import dev.bindery.identity.TeamId;
import dev.bindery.notify.NotificationService;
import dev.bindery.notify.NotificationSettings;
import dev.bindery.operator.IssuedToken;
import dev.bindery.operator.Operator;
import dev.bindery.operator.OperatorService;
import dev.bindery.operator.Role;
import dev.bindery.operator.TotpEnrolment;
import dev.bindery.operator.TotpFactor;
import dev.bindery.security.Authorizer;
import dev.bindery.security.Caller;
import dev.bindery.security.SecretSealer;
import dev.bindery.security.Totp;
import dev.bindery.store.AuditedTransactor;
import dev.bindery.store.Transactor;
import dev.bindery.testkit.memory.InMemoryStore;
import dev.bindery.testkit.pki.TestCa;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The core services wired over one store and one {@link MutableClock}, with helpers that make teams and
 * operators through the services themselves (so their audit events exist too) and obtain {@link Caller}s the
 * way the server does: by authenticating the operator's token. Step-up is driven through real TOTP enrolment,
 * confirmation and codes computed with {@link Totp} from the enrolment seed.
 *
 * <p>The master key of the {@link SecretSealer} is random per instance. Helpers that need a TOTP step not yet
 * used may move the clock forward by whole 30-second steps; they never sleep.
 */
public final class TestBindery {
  public static final String ISSUER_LABEL = "Bindery Test";
  public static final Duration TOKEN_LIFETIME = OperatorService.DEFAULT_TOKEN_LIFETIME;
  public static final String REQUEST_ID = "req-test";

  private final Transactor store;
  private final MutableClock clock;
  private final SecureRandom random = new SecureRandom();
  private final SecretSealer sealer;
  private final Authorizer authorizer;
  private final AuditedTransactor audited;
  private final TestCa pki;
  private final List<Lineage> quarantined = new CopyOnWriteArrayList<>();
  private final CredentialService credentials;
  private final IdentityService identities;
  private final OperatorService operators;
  private final AuditService audit;
  private final FakeDisavowHandler disavowHandler = new FakeDisavowHandler();
  private final NotificationService notifications;
  private final Totp totp = Totp.standard();

  public TestBindery(Transactor store, MutableClock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    byte[] masterKey = new byte[32];
    random.nextBytes(masterKey);
    this.sealer = new SecretSealer(masterKey, random);
    this.authorizer = new Authorizer(clock, Authorizer.DEFAULT_STEP_UP_WINDOW);
    this.audited = new AuditedTransactor(store, clock);
    this.pki = TestCa.create(clock.instant());
    this.credentials = new CredentialService(audited, authorizer, random, pki.ca(), new CredentialEvents() {
      @Override
      public void lineageQuarantined(Lineage lineage) {
        quarantined.add(lineage);
      }
    });
    this.identities = new IdentityService(audited, authorizer, random, credentials.lifecycleHook());
    this.operators = new OperatorService(audited, authorizer, random, sealer, ISSUER_LABEL);
    this.audit = new AuditService(audited, authorizer);
    this.notifications = notifications(NotificationSettings.DEFAULT);
  }

  /** A fresh in-memory store and a clock at {@link MutableClock#DEFAULT_START}. */
  public static TestBindery inMemory() {
    return new TestBindery(new InMemoryStore(), MutableClock.standard());
  }

  public Transactor store() {
    return store;
  }

  public MutableClock clock() {
    return clock;
  }

  public SecretSealer sealer() {
    return sealer;
  }

  public Authorizer authorizer() {
    return authorizer;
  }

  public AuditedTransactor auditedTransactor() {
    return audited;
  }

  public IdentityService identities() {
    return identities;
  }

  /** An identity's history, with its change requests' and support actions' events (as the server wires it). */
  public IdentityHistory history() {
    return new IdentityHistory(audited, authorizer);
  }

  /** The credential service, over a real CA ({@link #pki()}); its retirement cascade is wired into identities. */
  public CredentialService credentials() {
    return credentials;
  }

  /** The test CA the credential service issues from (generated at the clock's start). */
  public TestCa pki() {
    return pki;
  }

  /** Every lineage quarantine reported to {@link CredentialEvents}, in order (what the server counts). */
  public List<Lineage> quarantinedLineages() {
    return List.copyOf(quarantined);
  }

  public OperatorService operators() {
    return operators;
  }

  public AuditService audit() {
    return audit;
  }

  /** The notification service, with the default settings and {@link #disavowHandler()} as its handler. */
  public NotificationService notifications() {
    return notifications;
  }

  /** Another notification service over the same store, sealer and handler, with other settings. */
  public NotificationService notifications(NotificationSettings settings) {
    return new NotificationService(audited, authorizer, sealer, random, settings, disavowHandler);
  }

  /** The stand-in for the change-request engine that the notification services call on a disavow. */
  public FakeDisavowHandler disavowHandler() {
    return disavowHandler;
  }

  public Caller system() {
    return Caller.system(REQUEST_ID);
  }

  // ---- teams and operators ----------------------------------------------------------------------------

  /** Creates a team (as the system) and returns its id. */
  public TeamId team(String id) {
    TeamId teamId = new TeamId(id);
    operators.createTeam(system(), teamId, "Team " + id);
    return teamId;
  }

  /** Creates an operator with these roles and teams (as the system) and its first token. */
  public TestOperator operator(String name, Set<Role> roles, Set<TeamId> teams) {
    IssuedToken token = operators.create(system(), name, roles, teams, TOKEN_LIFETIME);
    Operator created = store.read(t -> t.operators().findById(token.token().operatorId())).orElseThrow();
    return new TestOperator(created, token);
  }

  public TestOperator admin() {
    return operator("admin", EnumSet.of(Role.ADMIN), Set.of());
  }

  /** An operator with the given role(s) and no team. */
  public TestOperator withRoles(Role first, Role... more) {
    return operator(first.wire(), EnumSet.of(first, more), Set.of());
  }

  /** An operator with no role, member of the given teams. */
  public TestOperator member(TeamId... teams) {
    return operator("member", Set.of(), Set.of(teams));
  }

  // ---- callers ----------------------------------------------------------------------------------------

  /** Authenticates the operator's token: the caller carries whatever step-up the token last recorded. */
  public Caller caller(TestOperator op) {
    return operators.authenticate(op.tokenValue(), REQUEST_ID);
  }

  /** Enrols and confirms TOTP if needed, steps up with a fresh code, and returns the authenticated caller. */
  public Caller steppedUp(TestOperator op) {
    ensureTotp(op);
    operators.stepUp(caller(op), nextTotpCode(op));
    return caller(op);
  }

  /** Enrols the caller's TOTP factor and confirms it with a valid code, unless already confirmed. */
  public void ensureTotp(TestOperator op) {
    TotpFactor f = store.read(t -> t.totp().find(op.id())).orElse(null);
    if (f != null && f.confirmed()) {
      return;
    }
    TotpEnrolment enrolment = operators.enrolTotp(caller(op));
    op.totpSeed(base32Decode(enrolment.seedBase32().reveal()));
    operators.confirmTotp(caller(op), nextTotpCode(op));
  }

  /**
   * A code for the lowest time step that the service would accept now and that was not used yet; if every
   * step in the ±1 window is used, the clock moves forward by whole steps until one is free.
   */
  public String nextTotpCode(TestOperator op) {
    byte[] seed = op.totpSeed();
    if (seed == null) {
      throw new IllegalStateException("operator " + op.id() + " has no TOTP enrolment made by this test kit");
    }
    long lastUsed = store.read(t -> t.totp().find(op.id())).map(TotpFactor::lastUsedStep).orElse(-1L);
    while (lastUsed >= Totp.step(clock.instant()) + Totp.DRIFT_STEPS) {
      clock.advance(Duration.ofSeconds(Totp.STEP_SECONDS));
    }
    long step = Math.max(lastUsed + 1, Totp.step(clock.instant()) - Totp.DRIFT_STEPS);
    return totp.code(seed, step);
  }

  /** The code of an explicit step, for replay and drift tests. */
  public String totpCode(TestOperator op, long step) {
    return totp.code(Objects.requireNonNull(op.totpSeed(), "not enrolled"), step);
  }

  // ---- observing the store ----------------------------------------------------------------------------

  public StoreState state() {
    return StoreState.capture(store);
  }

  public ChainHead auditHead() {
    return store.read(t -> t.audit().head());
  }

  /** Every audit event after {@code seq}, in order. */
  public List<AuditEvent> auditSince(long seq) {
    List<AuditEvent> out = new ArrayList<>();
    store.read(t -> {
      t.audit().scan(seq, 1000, out::add);
      return null;
    });
    return out;
  }

  public List<AuditEvent> auditEvents() {
    return auditSince(0);
  }

  /** Decodes RFC 4648 base32 (upper or lower case, no padding), as an authenticator app does. */
  public static byte[] base32Decode(String text) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    String s = text.toUpperCase(Locale.ROOT);
    byte[] out = new byte[s.length() * 5 / 8];
    int buffer = 0;
    int bits = 0;
    int n = 0;
    for (char c : s.toCharArray()) {
      int v = alphabet.indexOf(c);
      if (v < 0) {
        throw new IllegalArgumentException("not base32: " + c);
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out[n++] = (byte) (buffer >>> (bits - 8));
        bits -= 8;
      }
    }
    return Arrays.copyOf(out, n);
  }
}

package dev.bindery.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jose.util.Base64URL;
import dev.bindery.audit.AuditRecord;
import dev.bindery.audit.Outcome;
import dev.bindery.security.Caller;
import dev.bindery.security.SecretSealer;
import dev.bindery.store.Transactor;
import dev.bindery.store.Tx;
import dev.bindery.store.UniqueViolation;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token signing keys of this node, shared with every other node through the store: one {@code current} key
 * that signs, one {@code next} key published ahead of use, and retired keys published until their last token has
 * expired (see {@link KeyRingSettings}). Rotation follows {@link RotationPlan}: whichever node reloads first after
 * a step is due writes it (the store's unique slot and version checks make the first writer win); the others see
 * the result on their next reload.
 *
 * <p>Driven by the injected clock: every use reloads the ring from the store when the last load is older than the
 * reload interval (one store read per interval, never one per token), and a lookup of an unknown key id reloads
 * too (at most once a second). No thread of its own; the server also calls {@link #refresh()} on a timer so that
 * an idle node keeps its JWKS current.
 *
 * <p>Private keys are opened only for the current key, held as {@link JWSSigner} handles, and never returned,
 * logged or exported. Every key creation, activation, rotation and removal is an audit event of the system.
 */
public final class KeyRing {
  private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);
  /** Enough for every step from an empty store (create current, create next) plus races with other nodes. */
  private static final int MAX_STEPS = 8;
  static final Duration UNKNOWN_KID_RELOAD_SPACING = Duration.ofSeconds(1);
  private static final String ACTION_PREFIX = "token.signing_key.";

  private final Transactor store;
  private final SecretSealer sealer;
  private final Clock clock;
  private final KeyRingSettings settings;
  private final SecureRandom random;
  /**
   * At most as many signatures at once as there are processors. A signature is pure computation (no I/O, no lock
   * held while waiting for anything else), and with dozens of request threads signing at once the scheduler preempts
   * signatures midway, each costing more CPU; with the slots the other threads wait parked. Measured with
   * TokenApiBench at 32 connections on 2 vCPUs: 25–38% less server CPU per token (docs/benchmarks.md).
   */
  private final Semaphore signingSlots = new Semaphore(Runtime.getRuntime().availableProcessors());
  private final SigningCost cost = new SigningCost();
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, PreparedSigner> signers = new ConcurrentHashMap<>();
  private volatile Snapshot snapshot;
  private volatile Instant lastUnknownKidReload;

  public KeyRing(Transactor store, SecretSealer sealer, Clock clock, KeyRingSettings settings, SecureRandom random) {
    this.store = Objects.requireNonNull(store, "store");
    this.sealer = Objects.requireNonNull(sealer, "sealer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.random = Objects.requireNonNull(random, "random");
  }

  public KeyRingSettings settings() {
    return settings;
  }

  /** A public key with its stored record. */
  private record LoadedKey(StoredSigningKey stored, ECKey jwk) {}

  /** What one load saw; immutable. */
  private record Snapshot(Instant loadedAt, LoadedKey current, LoadedKey next, List<LoadedKey> retired) {}

  /**
   * Signs {@code claims} with the current key: header {@code alg} ES256, {@code typ} {@code type}, {@code kid}.
   * Returns the compact serialization (RFC 7515 section 7.1). The encoded header of each key and type is kept, so a
   * token costs the claims' JSON, one signature and the base64url encodings.
   */
  public String sign(JOSEObjectType type, JWTClaimsSet claims) {
    LoadedKey current = fresh().current();
    PreparedSigner prepared = signers.computeIfAbsent(current.stored().kid(),
        kid -> new PreparedSigner(kid, SigningKeyMaterial.signer(current.stored(), sealer, random)));
    return prepared.sign(type, claims, signingSlots, cost);
  }

  /** The CPU cost of this node's signatures so far (sampled; see {@link SigningCost}). */
  public SigningCost.Totals signingCost() {
    return cost.totals();
  }

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  /** The signer of one key and its encoded JWS headers by {@code typ}. */
  private static final class PreparedSigner {
    private final String kid;
    private final JWSSigner signer;
    private final Map<JOSEObjectType, Header> headers = new ConcurrentHashMap<>();

    private record Header(JWSHeader header, String encoded) {}

    PreparedSigner(String kid, JWSSigner signer) {
      this.kid = kid;
      this.signer = signer;
    }

    String sign(JOSEObjectType type, JWTClaimsSet claims, Semaphore slots, SigningCost cost) {
      Header h = headers.computeIfAbsent(type, t -> {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(t).keyID(kid).build();
        return new Header(header, header.toBase64URL().toString());
      });
      String signingInput = h.encoded() + '.'
          + BASE64URL.encodeToString(ClaimsJson.write(claims).getBytes(StandardCharsets.UTF_8));
      byte[] input = signingInput.getBytes(StandardCharsets.US_ASCII);
      slots.acquireUninterruptibly();
      try {
        if (!cost.starting()) {
          return signingInput + '.' + signer.sign(h.header(), input);
        }
        long start = cost.threadCpuNanos();
        Base64URL signature = signer.sign(h.header(), input);
        cost.timed(start);
        return signingInput + '.' + signature;
      } catch (JOSEException e) {
        throw new IllegalStateException("signing with key " + kid + " failed", e);
      } finally {
        slots.release();
      }
    }
  }

  /** The id of the key that signs now. */
  public String currentKid() {
    return fresh().current().stored().kid();
  }

  /** The id of the next key, published and not yet signing. */
  public String nextKid() {
    LoadedKey next = fresh().next();
    return next == null ? null : next.stored().kid();
  }

  /**
   * The public keys a verifier needs, as JWK members: the current key, the next key, then the retired keys still
   * within their retention, newest first. Each has {@code kid}, {@code use: sig} and {@code alg: ES256}.
   */
  public List<Map<String, Object>> jwks() {
    Snapshot s = fresh();
    Instant now = clock.instant();
    List<Map<String, Object>> out = new ArrayList<>();
    out.add(s.current().jwk().toJSONObject());
    if (s.next() != null) {
      out.add(s.next().jwk().toJSONObject());
    }
    for (LoadedKey k : s.retired()) {
      if (RotationPlan.retained(k.stored(), now, settings)) {
        out.add(k.jwk().toJSONObject());
      }
    }
    return out;
  }

  /**
   * The published public key with this id, for verifying a token Bindery signed. An id this node does not know
   * reloads the ring (another node may have rotated), at most once per {@link #UNKNOWN_KID_RELOAD_SPACING}.
   */
  public Optional<ECKey> verificationKey(String kid) {
    Objects.requireNonNull(kid, "kid");
    Optional<ECKey> found = find(fresh(), kid);
    if (found.isPresent()) {
      return found;
    }
    Instant now = clock.instant();
    Instant last = lastUnknownKidReload;
    if (last == null || !now.isBefore(last.plus(UNKNOWN_KID_RELOAD_SPACING)) || now.isBefore(last)) {
      lastUnknownKidReload = now;
      refresh();
      return find(snapshot, kid);
    }
    return Optional.empty();
  }

  private Optional<ECKey> find(Snapshot s, String kid) {
    Instant now = clock.instant();
    if (s.current().stored().kid().equals(kid)) {
      return Optional.of(s.current().jwk());
    }
    if (s.next() != null && s.next().stored().kid().equals(kid)) {
      return Optional.of(s.next().jwk());
    }
    return s.retired().stream()
        .filter(k -> k.stored().kid().equals(kid) && RotationPlan.retained(k.stored(), now, settings))
        .map(LoadedKey::jwk).findFirst();
  }

  /** Brings the store to the rotation rules at the clock's time and reloads this node's view of it. */
  public void refresh() {
    lock.lock();
    try {
      snapshot = load(maintain(clock.instant()));
    } finally {
      lock.unlock();
    }
  }

  /** The snapshot, reloaded first if it is older than the reload interval (or the clock went back). */
  private Snapshot fresh() {
    Snapshot s = snapshot;
    if (s != null && !stale(s, clock.instant())) {
      return s;
    }
    if (s == null) {
      lock.lock(); // nothing to serve yet: wait for the load
    } else if (!lock.tryLock()) {
      return s; // another thread is reloading; this one keeps the view it has
    }
    try {
      Snapshot again = snapshot;
      if (again == null || stale(again, clock.instant())) {
        snapshot = load(maintain(clock.instant()));
      }
      return snapshot;
    } finally {
      lock.unlock();
    }
  }

  private boolean stale(Snapshot s, Instant now) {
    return now.isBefore(s.loadedAt()) || !now.isBefore(s.loadedAt().plus(settings.reloadInterval()));
  }

  private List<StoredSigningKey> maintain(Instant now) {
    for (int i = 0; i < MAX_STEPS; i++) {
      List<StoredSigningKey> keys = store.read(t -> t.signingKeys().list());
      Optional<RotationPlan.Step> step = RotationPlan.next(keys, now, settings);
      if (step.isEmpty()) {
        return keys;
      }
      try {
        store.inTransaction(t -> {
          apply(t, step.get(), keys, now);
          return null;
        });
      } catch (UniqueViolation | LostRace e) {
        LOG.debug("event=signing_key_step_lost action={} (another node wrote first)", step.get().action());
      }
    }
    throw new IllegalStateException("the token signing keys did not settle after " + MAX_STEPS + " steps");
  }

  private void apply(Tx t, RotationPlan.Step step, List<StoredSigningKey> keys, Instant now) {
    switch (step.action()) {
      case CREATE_CURRENT, CREATE_NEXT -> {
        SigningKeyState state = step.action() == RotationPlan.Action.CREATE_CURRENT ? SigningKeyState.CURRENT
            : SigningKeyState.NEXT;
        StoredSigningKey created = SigningKeyMaterial.generate(state, now, sealer, random);
        t.signingKeys().insert(created);
        audit(t, "created", created.kid(), Map.of("state", state.wire(), "algorithm", created.algorithm()), now);
        LOG.info("event=signing_key_created kid={} state={}", created.kid(), state.wire());
      }
      case ACTIVATE_NEXT -> {
        require(t.signingKeys().update(step.key().activate(now)));
        audit(t, "activated", step.key().kid(), Map.of(), now);
        LOG.info("event=signing_key_activated kid={}", step.key().kid());
      }
      case ROTATE -> {
        StoredSigningKey next = RotationPlan.only(keys, SigningKeyState.NEXT);
        // the current key leaves its slot before the next key takes it (the slot is unique per statement)
        require(t.signingKeys().update(step.key().retire(now)));
        require(t.signingKeys().update(next.activate(now)));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("retired_kid", step.key().kid());
        d.put("activated_kid", next.kid());
        audit(t, "rotated", next.kid(), d, now);
        LOG.info("event=signing_key_rotated retired_kid={} activated_kid={}", step.key().kid(), next.kid());
      }
      case PURGE -> {
        require(t.signingKeys().deleteRetired(step.key().kid(), step.key().version()));
        audit(t, "removed", step.key().kid(), Map.of("retired_at", step.key().retiredAt().toString()), now);
        LOG.info("event=signing_key_removed kid={}", step.key().kid());
      }
    }
  }

  private static void require(boolean written) {
    if (!written) {
      throw new LostRace();
    }
  }

  private static void audit(Tx t, String what, String kid, Map<String, Object> details, Instant now) {
    t.audit().append(new AuditRecord(Caller.SYSTEM_ACTOR, ACTION_PREFIX + what, kid, details, Outcome.SUCCESS,
        "key-ring"), now);
  }

  private Snapshot load(List<StoredSigningKey> keys) {
    LoadedKey current = null;
    LoadedKey next = null;
    List<LoadedKey> retired = new ArrayList<>();
    for (StoredSigningKey k : keys) {
      LoadedKey loaded = new LoadedKey(k, SigningKeyMaterial.publicJwk(k));
      switch (k.state()) {
        case CURRENT -> current = loaded;
        case NEXT -> next = loaded;
        case RETIRED -> retired.add(loaded);
      }
    }
    if (current == null) {
      throw new IllegalStateException("the token signing keys have no current key");
    }
    retired.sort(Comparator.comparing((LoadedKey k) -> k.stored().retiredAt()).reversed());
    String currentKid = current.stored().kid();
    signers.keySet().removeIf(kid -> !kid.equals(currentKid));
    return new Snapshot(clock.instant(), current, next, List.copyOf(retired));
  }

  /** A concurrent node changed a key between this node's read and its write; the transaction rolls back. */
  private static final class LostRace extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LostRace() {
      super("signing key changed concurrently", null, false, false);
    }
  }
}

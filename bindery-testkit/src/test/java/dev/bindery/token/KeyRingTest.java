package dev.bindery.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bindery.audit.AuditEvent;
import dev.bindery.security.SecretSealer;
import dev.bindery.store.Transactor;
import dev.bindery.store.Tx;
import dev.bindery.testkit.MutableClock;
import dev.bindery.testkit.memory.InMemoryStore;
import dev.bindery.testkit.pki.TestCa;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The key ring over a shared store, driven by a clock: bootstrap, signing, rotation with the next key published
 * first, retirement and removal, reloading, several nodes, sealing of private keys.
 */
class KeyRingTest {
  static final KeyRingSettings SETTINGS = KeyRingSettings.of(Duration.ofMinutes(10), Duration.ofMinutes(10));
  final MutableClock clock = MutableClock.standard();
  final InMemoryStore store = new InMemoryStore();
  final SecretSealer sealer = TestCa.sealer();

  KeyRing ring() {
    return ring(store);
  }

  KeyRing ring(Transactor on) {
    return new KeyRing(on, sealer, clock, SETTINGS, new SecureRandom());
  }

  List<StoredSigningKey> stored() {
    return store.read((Tx t) -> t.signingKeys().list());
  }

  StoredSigningKey current() {
    return stored().stream().filter(k -> k.state() == SigningKeyState.CURRENT).findFirst().orElseThrow();
  }

  List<AuditEvent> audit() {
    List<AuditEvent> out = new ArrayList<>();
    store.read(t -> {
      t.audit().scan(0, 100, out::add);
      return null;
    });
    return out;
  }

  static List<String> kids(KeyRing ring) {
    return ring.jwks().stream().map(k -> (String) k.get("kid")).toList();
  }

  static JWTClaimsSet claims() {
    return new JWTClaimsSet.Builder().subject("nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa").build();
  }

  @Test
  void refresh_emptyStore_createsACurrentAndANextKeyAuditedBySystem() {
    KeyRing ring = ring();

    ring.refresh();

    List<StoredSigningKey> keys = stored();
    assertThat(keys).extracting(StoredSigningKey::state)
        .containsExactlyInAnyOrder(SigningKeyState.CURRENT, SigningKeyState.NEXT);
    StoredSigningKey current = current();
    StoredSigningKey next = keys.stream().filter(k -> k != current && !k.kid().equals(current.kid())).findFirst()
        .orElseThrow();
    assertThat(ring.currentKid()).isEqualTo(current.kid());
    assertThat(ring.nextKid()).isEqualTo(next.kid());
    assertThat(current.kid()).matches("key_[a-z2-7]{26}");
    assertThat(audit()).extracting(AuditEvent::action)
        .containsExactly("token.signing_key.created", "token.signing_key.created");
    assertThat(audit()).extracting(AuditEvent::actor).containsOnly("system");
    assertThat(kids(ring)).containsExactly(current.kid(), next.kid());
  }

  @Test
  void jwks_publicMembersOnly() {
    KeyRing ring = ring();
    for (Map<String, Object> k : ring.jwks()) {
      assertThat(k.keySet()).containsExactlyInAnyOrder("kty", "crv", "x", "y", "kid", "use", "alg");
      assertThat(k).containsEntry("use", "sig").containsEntry("alg", "ES256").containsEntry("crv", "P-256");
    }
  }

  @Test
  void sign_verifiesWithThePublishedCurrentKey() throws Exception {
    KeyRing ring = ring();

    SignedJWT jwt = SignedJWT.parse(ring.sign(AccessTokenIssuer.AT_JWT, claims()));

    assertThat(jwt.getHeader().getKeyID()).isEqualTo(ring.currentKid());
    assertThat(jwt.getHeader().getType().getType()).isEqualTo("at+jwt");
    ECKey key = (ECKey) JWK.parse(ring.jwks().get(0));
    assertThat(jwt.verify(new ECDSAVerifier(key))).isTrue();
    assertThat(jwt.verify(new ECDSAVerifier((ECKey) JWK.parse(ring.jwks().get(1))))).as("the next key").isFalse();
  }

  @Test
  void sealedPrivateKey_opensOnlyUnderTheSameMasterKey() {
    ring().refresh();
    byte[] other = new byte[32];
    new SecureRandom().nextBytes(other);
    KeyRing elsewhere = new KeyRing(store, new SecretSealer(other, new SecureRandom()), clock, SETTINGS,
        new SecureRandom());

    assertThatThrownBy(() -> elsewhere.sign(AccessTokenIssuer.AT_JWT, claims()))
        .isInstanceOf(IllegalStateException.class);
    assertThat(current().sealedPrivateKey()).hasSizeGreaterThan(100);
  }

  @Test
  void rotation_afterThePeriod_theNextKeySignsAndTheOldIsRetiredWithoutItsPrivateKey() {
    KeyRing ring = ring();
    List<String> before = kids(ring);

    clock.advance(Duration.ofMinutes(10).minusSeconds(1));
    ring.refresh();
    assertThat(kids(ring)).isEqualTo(before);

    clock.advance(Duration.ofSeconds(1));
    ring.refresh();

    List<String> after = kids(ring);
    assertThat(after.get(0)).isEqualTo(before.get(1));
    assertThat(after.get(2)).isEqualTo(before.get(0));
    assertThat(ring.currentKid()).isEqualTo(before.get(1));
    StoredSigningKey retired = stored().stream().filter(k -> k.kid().equals(before.get(0))).findFirst().orElseThrow();
    assertThat(retired.state()).isEqualTo(SigningKeyState.RETIRED);
    assertThat(retired.sealedPrivateKey()).as("a retired key can never sign again").isNull();
    assertThat(retired.retiredAt()).isEqualTo(clock.instant());
    AuditEvent rotated = audit().stream().filter(e -> e.action().equals("token.signing_key.rotated")).findFirst()
        .orElseThrow();
    assertThat(rotated.details()).containsEntry("retired_kid", before.get(0)).containsEntry("activated_kid",
        before.get(1));
  }

  @Test
  void retiredKey_publishedUntilItsRetentionThenRemovedFromTheStore() {
    KeyRing ring = ring();
    String first = ring.currentKid();
    clock.advance(Duration.ofMinutes(10));
    ring.refresh();

    clock.advance(SETTINGS.retention().minusSeconds(1));
    ring.refresh();
    assertThat(kids(ring)).contains(first);
    assertThat(ring.verificationKey(first)).isPresent();

    clock.advance(Duration.ofSeconds(1));
    ring.refresh();
    assertThat(kids(ring)).doesNotContain(first);
    assertThat(ring.verificationKey(first)).isEmpty();
    assertThat(stored()).extracting(StoredSigningKey::kid).doesNotContain(first);
    assertThat(audit()).extracting(AuditEvent::action).contains("token.signing_key.removed");
  }

  @Test
  void staleNode_keepsItsViewForTheReloadIntervalThenReloads() {
    KeyRing a = ring();
    KeyRing b = ring();
    a.refresh();
    clock.advance(Duration.ofMinutes(10).minusSeconds(10));
    b.refresh();
    String old = b.currentKid();
    clock.advance(Duration.ofSeconds(10));
    a.refresh(); // node A rotates

    assertThat(a.currentKid()).isNotEqualTo(old);
    assertThat(b.currentKid()).as("loaded 10 s ago").isEqualTo(old);
    clock.advance(Duration.ofSeconds(20));
    assertThat(b.currentKid()).as("30 s after its load, B reloads").isEqualTo(a.currentKid());
  }

  @Test
  void severalNodes_startingAtOnce_agreeOnOneCurrentAndOneNextKey() throws Exception {
    int nodes = 6;
    List<KeyRing> rings = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      rings.add(ring());
    }
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(nodes);
    try {
      List<Future<String>> kids = new ArrayList<>();
      for (KeyRing r : rings) {
        kids.add(pool.submit(() -> {
          go.await();
          return r.currentKid();
        }));
      }
      go.countDown();
      for (Future<String> f : kids) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(current().kid());
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(stored()).hasSize(2);
    for (KeyRing r : rings) {
      assertThat(kids(r)).isEqualTo(kids(rings.get(0)));
    }
  }

  @Test
  void verificationKey_unknownKid_reloadsAtMostOnceASecond() {
    AtomicInteger reads = new AtomicInteger();
    Transactor counting = new Transactor() {
      @Override
      public <T> T inTransaction(Function<Tx, T> work) {
        return store.inTransaction(work);
      }

      @Override
      public <T> T read(Function<Tx, T> work) {
        reads.incrementAndGet();
        return store.read(work);
      }

      @Override
      public boolean ping() {
        return true;
      }
    };
    KeyRing b = ring(counting);
    KeyRing fast = new KeyRing(store, sealer, clock, KeyRingSettings.of(Duration.ofMinutes(5), Duration.ofMinutes(10)),
        new SecureRandom());
    b.refresh();
    clock.advance(Duration.ofMinutes(5));
    b.refresh(); // fresh, nothing due for B
    fast.refresh(); // due for a node rotating every 5 minutes: a new next key B has not seen
    String created = fast.nextKid();
    assertThat(kids(b)).doesNotContain(created);
    int before = reads.get();

    Optional<ECKey> found = b.verificationKey(created);

    assertThat(found).isPresent();
    assertThat(found.get().getKeyID()).isEqualTo(created);
    assertThat(reads.get()).as("reloaded").isGreaterThan(before);
    int afterFirst = reads.get();
    assertThat(b.verificationKey("key_" + "z".repeat(26))).isEmpty();
    assertThat(reads.get()).as("an unknown kid within a second of the last reload does not reload")
        .isEqualTo(afterFirst);
    clock.advance(Duration.ofSeconds(1));
    assertThat(b.verificationKey("key_" + "y".repeat(26))).isEmpty();
    assertThat(reads.get()).isGreaterThan(afterFirst);
  }
}

package dev.bindery.testkit.service;

import static dev.bindery.testkit.BinderyAssertions.assertAuditedSince;
import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static dev.bindery.testkit.service.CredentialFixture.REQUEST_ID;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.Hashing;
import dev.bindery.common.RandomIds;
import dev.bindery.credential.ApiKeys;
import dev.bindery.credential.AuthenticatedCredential;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialType;
import dev.bindery.credential.IssuedApiKey;
import dev.bindery.identity.Identity;
import dev.bindery.pki.RevocationReason;
import dev.bindery.store.Tx;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestOperator;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class ApiKeyTest {
  private final CredentialFixture f = new CredentialFixture();

  private Instant inDays(int days) {
    return f.now().plus(Duration.ofDays(days));
  }

  // ---- the format ---------------------------------------------------------------------------------------

  @Test
  void apiKeyFormat_generated_isPrefixRandomPartAndItsCrc32() {
    for (int i = 0; i < 200; i++) {
      String key = ApiKeys.generate(new SecureRandom()).reveal();

      assertThat(key).matches("bnd_ak_[a-z2-7]{59}").hasSize(66);
      String body = key.substring(7, 59);
      CRC32 crc = new CRC32();
      crc.update(body.getBytes(StandardCharsets.US_ASCII));
      long v = crc.getValue();
      String expected = RandomIds.base32(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
      assertThat(key.substring(59)).isEqualTo(expected);
      assertThat(ApiKeys.valid(key)).isTrue();
    }
  }

  @Test
  void apiKeyFormat_knownVectors_checksumIsBase32OfBigEndianCrc32() {
    // CRC-32 check value of "123456789" is 0xcbf43926 (IEEE 802.3); base32 of cb f4 39 26 is "zp2dsjq"
    assertThat(ApiKeys.checksum("123456789")).isEqualTo("zp2dsjq");
    // CRC-32 of 52 'a' is 0xb6af0329, base32 "w2xqgki" (computed independently with Python's zlib)
    assertThat(ApiKeys.checksum("a".repeat(52))).isEqualTo("w2xqgki");
    assertThat(ApiKeys.valid("bnd_ak_" + "a".repeat(52) + "w2xqgki")).isTrue();
    assertThat(ApiKeys.valid("bnd_ak_" + "a".repeat(52) + "w2xqgkj")).isFalse();
  }

  @Test
  void apiKeyFormat_anySingleCharacterChanged_failsTheChecksum() {
    String key = ApiKeys.generate(new SecureRandom()).reveal();
    String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    for (int i = 7; i < key.length(); i++) {
      for (char c : alphabet.toCharArray()) {
        if (c == key.charAt(i)) {
          continue;
        }
        String typo = key.substring(0, i) + c + key.substring(i + 1);
        assertThat(ApiKeys.valid(typo)).as("typo at %d", i).isFalse();
      }
    }
    assertThat(ApiKeys.valid(key.toUpperCase(java.util.Locale.ROOT))).isFalse();
    assertThat(ApiKeys.valid(key + "a")).isFalse();
    assertThat(ApiKeys.valid(key.substring(1))).isFalse();
    assertThat(ApiKeys.valid(null)).isFalse();
  }

  // ---- creation -----------------------------------------------------------------------------------------

  @Test
  void createApiKey_owner_showsTheKeyOnceAndStoresOnlyItsHash() {
    Identity identity = f.workload();
    long seq = f.b.auditHead().seq();

    IssuedApiKey issued = f.service.createApiKey(f.caller(f.owner), identity.id(), inDays(30));

    String key = issued.value().reveal();
    Credential c = issued.credential().credential();
    assertThat(ApiKeys.valid(key)).isTrue();
    assertThat(c.type()).isEqualTo(CredentialType.API_KEY);
    assertThat(c.displayPrefix()).isEqualTo(key.substring(0, 12)).startsWith("bnd_ak_");
    assertThat(c.secretHash().hex()).isEqualTo(HexFormat.of().formatHex(Hashing.sha256(key.getBytes(
        StandardCharsets.UTF_8))));
    assertThat(c.thumbprint()).isNull();
    assertThat(c.notAfter()).isEqualTo(inDays(30));
    assertThat(issued.value().toString()).doesNotContain(key);
    assertThat(c.toString()).doesNotContain(key.substring(12));
    AuditEvent e = assertAuditedSince(f.b, seq, "credential.register").get(0);
    assertThat(e.detailsJson()).doesNotContain(key.substring(12)).contains(c.displayPrefix());
  }

  @Test
  void createApiKey_expiryMissingPastOrBeyondPolicy_refusedAndNothingWritten() {
    Identity identity = f.workload();
    var caller = f.caller(f.owner);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.createApiKey(caller, identity.id(), null), ErrorCode.MISSING_FIELD);
    assertRejected(() -> f.service.createApiKey(caller, identity.id(), f.now().minusSeconds(1)), ErrorCode.INVALID_FIELD);
    assertRejected(() -> f.service.createApiKey(caller, identity.id(), inDays(90).plusMillis(1)),
        ErrorCode.LIFETIME_EXCEEDS_POLICY);

    assertNothingWritten(f.b, before);
    assertThat(f.service.createApiKey(caller, identity.id(), inDays(90)).credential().usable()).isTrue();
  }

  @Test
  void createApiKey_notOwnerNorAdmin_forbiddenDenied() {
    Identity identity = f.workload();
    for (TestOperator op : List.of(f.outsider, f.auditor, f.securityOfficer, f.leakReporter)) {
      var caller = f.caller(op);
      StoreState before = f.b.state();

      assertRejected(() -> f.service.createApiKey(caller, identity.id(), inDays(1)), ErrorCode.FORBIDDEN);

      assertOnlyDenied(f.b, before, "credential.register", op.id().value(), identity.id().value(), ErrorCode.FORBIDDEN);
    }
  }

  @Test
  void createApiKey_unknownIdentity_identityNotFound() {
    var caller = f.caller(f.admin);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.createApiKey(caller, dev.bindery.testkit.TestIdentities.newId(), inDays(1)),
        ErrorCode.IDENTITY_NOT_FOUND);

    assertNothingWritten(f.b, before);
  }

  // ---- verification -------------------------------------------------------------------------------------

  @Test
  void verifyApiKey_valid_authenticatesAndRecordsUse() {
    Identity identity = f.workload();
    IssuedApiKey issued = f.service.createApiKey(f.caller(f.owner), identity.id(), inDays(30));
    f.advance(Duration.ofHours(1));

    AuthenticatedCredential auth = f.service.verifyApiKey(issued.value().reveal(), REQUEST_ID);

    assertThat(auth.credential().id()).isEqualTo(issued.credential().credential().id());
    assertThat(auth.identity().id()).isEqualTo(identity.id());
    assertThat(f.b.store().read((Tx t) -> t.credentials().findById(auth.credential().id())).orElseThrow().lastUsedAt())
        .isEqualTo(f.now());
  }

  @Test
  void verifyApiKey_mistypedOrUnknown_credentialUnknownNotAudited() {
    Identity identity = f.workload();
    String key = f.service.createApiKey(f.caller(f.owner), identity.id(), inDays(30)).value().reveal();
    String typo = key.substring(0, 20) + (key.charAt(20) == 'a' ? 'b' : 'a') + key.substring(21);
    String unknownButWellFormed = ApiKeys.generate(new SecureRandom()).reveal();
    StoreState before = f.b.state();

    for (String bad : new String[] {typo, unknownButWellFormed, "", null, "bnd_op_x", key + " "}) {
      assertRejected(() -> f.service.verifyApiKey(bad, REQUEST_ID), ErrorCode.CREDENTIAL_UNKNOWN);
    }

    assertNothingWritten(f.b, before);
  }

  @Test
  void verifyApiKey_expiredRevokedOrSuspended_refusedWithItsCodeAndDenied() {
    Identity identity = f.workload();
    String expiring = f.service.createApiKey(f.caller(f.owner), identity.id(), f.now().plus(Duration.ofHours(1)))
        .value().reveal();
    IssuedApiKey revoked = f.service.createApiKey(f.caller(f.owner), identity.id(), inDays(30));
    String suspendedKey = f.service.createApiKey(f.caller(f.owner), identity.id(), inDays(30)).value().reveal();
    f.service.revoke(f.caller(f.owner), revoked.credential().credential().id(), RevocationReason.KEY_COMPROMISE);
    f.advance(Duration.ofHours(1));
    String actor = identity.id().value();

    StoreState before = f.b.state();
    assertRejected(() -> f.service.verifyApiKey(expiring, REQUEST_ID), ErrorCode.CREDENTIAL_EXPIRED);
    assertOnlyDenied(f.b, before, "credential.authenticate", actor, actor, ErrorCode.CREDENTIAL_EXPIRED);

    before = f.b.state();
    assertRejected(() -> f.service.verifyApiKey(revoked.value().reveal(), REQUEST_ID), ErrorCode.CREDENTIAL_REVOKED);
    assertOnlyDenied(f.b, before, "credential.authenticate", actor, actor, ErrorCode.CREDENTIAL_REVOKED);

    f.b.identities().suspend(f.caller(f.owner), identity.id(), 1, "incident");
    before = f.b.state();
    assertRejected(() -> f.service.verifyApiKey(suspendedKey, REQUEST_ID), ErrorCode.IDENTITY_NOT_ACTIVE);
    assertOnlyDenied(f.b, before, "credential.authenticate", actor, actor, ErrorCode.IDENTITY_NOT_ACTIVE);
  }
}

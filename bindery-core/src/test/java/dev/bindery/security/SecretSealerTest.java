package dev.bindery.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SecretSealerTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] AAD = "op_aaaaaaaaaaaaaaaaaaaaaaaaaa".getBytes(StandardCharsets.UTF_8);
  private static final byte[] PLAINTEXT = "twenty byte seed....".getBytes(StandardCharsets.US_ASCII);

  private static byte[] key() {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    return k;
  }

  @Test
  void seal_thenOpenWithSameAad_returnsPlaintext() {
    SecretSealer sealer = new SecretSealer(key(), RANDOM);

    byte[] sealed = sealer.seal(PLAINTEXT, AAD);

    assertThat(sealer.open(sealed, AAD)).isEqualTo(PLAINTEXT);
  }

  @Test
  void seal_layout_isVersionNonceCiphertextAndTag() {
    SecretSealer sealer = new SecretSealer(key(), RANDOM);

    byte[] sealed = sealer.seal(PLAINTEXT, AAD);

    assertThat(sealed).hasSize(1 + 12 + PLAINTEXT.length + 16);
    assertThat(sealed[0]).isEqualTo((byte) 1);
  }

  @Test
  void seal_samePlaintextTwice_differsByNonce() {
    SecretSealer sealer = new SecretSealer(key(), RANDOM);

    byte[] a = sealer.seal(PLAINTEXT, AAD);
    byte[] b = sealer.seal(PLAINTEXT, AAD);

    assertThat(a).isNotEqualTo(b);
    assertThat(sealer.open(a, AAD)).isEqualTo(sealer.open(b, AAD));
  }

  @Test
  void open_wrongAad_fails() {
    SecretSealer sealer = new SecretSealer(key(), RANDOM);
    byte[] sealed = sealer.seal(PLAINTEXT, AAD);
    byte[] otherOwner = "op_bbbbbbbbbbbbbbbbbbbbbbbbbb".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> sealer.open(sealed, otherOwner)).isInstanceOf(IllegalStateException.class)
        .hasMessage("sealed value does not open under this master key");
  }

  @Test
  void open_anyTamperedByte_fails() {
    SecretSealer sealer = new SecretSealer(key(), RANDOM);
    byte[] sealed = sealer.seal(PLAINTEXT, AAD);

    for (int i = 1; i < sealed.length; i++) {
      byte[] tampered = sealed.clone();
      tampered[i] ^= 0x01;
      assertThatThrownBy(() -> sealer.open(tampered, AAD)).as("byte %d", i).isInstanceOf(IllegalStateException.class)
          .hasMessage("sealed value does not open under this master key");
    }
  }

  @Test
  void open_unknownVersionOrTooShort_failsAsUnknownFormat() {
    SecretSealer sealer = new SecretSealer(key(), RANDOM);
    byte[] sealed = sealer.seal(PLAINTEXT, AAD);
    byte[] version2 = sealed.clone();
    version2[0] = 2;
    byte[] truncated = java.util.Arrays.copyOf(sealed, 28);

    assertThatThrownBy(() -> sealer.open(version2, AAD)).isInstanceOf(IllegalStateException.class)
        .hasMessage("sealed value has an unknown format");
    assertThatThrownBy(() -> sealer.open(truncated, AAD)).isInstanceOf(IllegalStateException.class)
        .hasMessage("sealed value has an unknown format");
  }

  @Test
  void open_otherMasterKey_fails() {
    byte[] sealed = new SecretSealer(key(), RANDOM).seal(PLAINTEXT, AAD);

    assertThatThrownBy(() -> new SecretSealer(key(), RANDOM).open(sealed, AAD))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void constructor_keyNot32Bytes_rejected() {
    assertThatThrownBy(() -> new SecretSealer(new byte[16], RANDOM)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("master key must be 32 bytes");
  }
}

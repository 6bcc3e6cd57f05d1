package dev.bindery.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TotpTest {
  /** RFC 6238 Appendix B seeds: ASCII "1234567890" repeated to the HMAC's natural key length. */
  private static final byte[] SEED_SHA1 = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SEED_SHA256 = "12345678901234567890123456789012".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SEED_SHA512 =
      "1234567890123456789012345678901234567890123456789012345678901234".getBytes(StandardCharsets.US_ASCII);

  /** RFC 6238 Appendix B: time (seconds), T (hex), TOTP, mode; 8 digits, 30-second steps from T0 = 0. */
  static Stream<Arguments> rfc6238AppendixB() {
    return Stream.of(
        Arguments.of(59L, 0x1L, "94287082", "HmacSHA1", SEED_SHA1),
        Arguments.of(59L, 0x1L, "46119246", "HmacSHA256", SEED_SHA256),
        Arguments.of(59L, 0x1L, "90693936", "HmacSHA512", SEED_SHA512),
        Arguments.of(1111111109L, 0x23523ECL, "07081804", "HmacSHA1", SEED_SHA1),
        Arguments.of(1111111109L, 0x23523ECL, "68084774", "HmacSHA256", SEED_SHA256),
        Arguments.of(1111111109L, 0x23523ECL, "25091201", "HmacSHA512", SEED_SHA512),
        Arguments.of(1111111111L, 0x23523EDL, "14050471", "HmacSHA1", SEED_SHA1),
        Arguments.of(1111111111L, 0x23523EDL, "67062674", "HmacSHA256", SEED_SHA256),
        Arguments.of(1111111111L, 0x23523EDL, "99943326", "HmacSHA512", SEED_SHA512),
        Arguments.of(1234567890L, 0x273EF07L, "89005924", "HmacSHA1", SEED_SHA1),
        Arguments.of(1234567890L, 0x273EF07L, "91819424", "HmacSHA256", SEED_SHA256),
        Arguments.of(1234567890L, 0x273EF07L, "93441116", "HmacSHA512", SEED_SHA512),
        Arguments.of(2000000000L, 0x3F940AAL, "69279037", "HmacSHA1", SEED_SHA1),
        Arguments.of(2000000000L, 0x3F940AAL, "90698825", "HmacSHA256", SEED_SHA256),
        Arguments.of(2000000000L, 0x3F940AAL, "38618901", "HmacSHA512", SEED_SHA512),
        Arguments.of(20000000000L, 0x27BC86AAL, "65353130", "HmacSHA1", SEED_SHA1),
        Arguments.of(20000000000L, 0x27BC86AAL, "77737706", "HmacSHA256", SEED_SHA256),
        Arguments.of(20000000000L, 0x27BC86AAL, "47863826", "HmacSHA512", SEED_SHA512));
  }

  @ParameterizedTest(name = "{3} at {0}s")
  @MethodSource("rfc6238AppendixB")
  void code_rfc6238AppendixBVector_matchesPublishedValue(long seconds, long t, String expected, String algorithm,
      byte[] seed) {
    Instant at = Instant.ofEpochSecond(seconds);
    Totp totp = new Totp(algorithm, 8);

    assertThat(Totp.step(at)).isEqualTo(t);
    assertThat(totp.code(seed, Totp.step(at))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{3} at {0}s")
  @MethodSource("rfc6238AppendixB")
  void verify_rfc6238AppendixBVector_returnsItsStep(long seconds, long t, String expected, String algorithm,
      byte[] seed) {
    assertThat(new Totp(algorithm, 8).verify(seed, expected, Instant.ofEpochSecond(seconds))).isEqualTo(t);
  }

  @Test
  void code_standardSixDigits_matchesRfc4226AppendixDHotpValues() {
    String[] expected = {"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
        "520489"};
    Totp totp = Totp.standard();

    for (int counter = 0; counter < expected.length; counter++) {
      assertThat(totp.code(SEED_SHA1, counter)).as("counter %d", counter).isEqualTo(expected[counter]);
    }
  }

  @Test
  void step_boundaries_areThirtySecondWindowsFromTheEpoch() {
    assertThat(Totp.step(Instant.ofEpochSecond(0))).isZero();
    assertThat(Totp.step(Instant.ofEpochSecond(29))).isZero();
    assertThat(Totp.step(Instant.ofEpochSecond(30))).isEqualTo(1L);
    assertThat(Totp.step(Instant.ofEpochSecond(59, 999_999_999))).isEqualTo(1L);
    assertThat(Totp.step(Instant.ofEpochSecond(-1))).isEqualTo(-1L);
  }

  @Test
  void verify_codeOfAdjacentStep_acceptedWithinOneStepOfDrift() {
    Totp totp = Totp.standard();
    Instant now = Instant.ofEpochSecond(1_800_000_015L);
    long current = Totp.step(now);

    assertThat(totp.verify(SEED_SHA1, totp.code(SEED_SHA1, current - 1), now)).isEqualTo(current - 1);
    assertThat(totp.verify(SEED_SHA1, totp.code(SEED_SHA1, current), now)).isEqualTo(current);
    assertThat(totp.verify(SEED_SHA1, totp.code(SEED_SHA1, current + 1), now)).isEqualTo(current + 1);
  }

  @Test
  void verify_codeTwoStepsAway_rejected() {
    Totp totp = Totp.standard();
    Instant now = Instant.ofEpochSecond(1_800_000_015L);
    long current = Totp.step(now);
    String past = totp.code(SEED_SHA1, current - 2);
    String future = totp.code(SEED_SHA1, current + 2);
    // a code can collide with a code of the window by chance; the fixed time above has no such collision
    assertThat(past).isNotIn(totp.code(SEED_SHA1, current - 1), totp.code(SEED_SHA1, current),
        totp.code(SEED_SHA1, current + 1));
    assertThat(future).isNotIn(totp.code(SEED_SHA1, current - 1), totp.code(SEED_SHA1, current),
        totp.code(SEED_SHA1, current + 1));

    assertThat(totp.verify(SEED_SHA1, past, now)).isEqualTo(-1L);
    assertThat(totp.verify(SEED_SHA1, future, now)).isEqualTo(-1L);
  }

  @Test
  void verify_otherSeed_rejected() {
    Totp totp = Totp.standard();
    Instant now = Instant.ofEpochSecond(59);

    assertThat(totp.verify(SEED_SHA256, "287082", now)).isEqualTo(-1L);
    assertThat(totp.verify(SEED_SHA1, "287082", now)).isEqualTo(1L);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"28708", "2870820", "28708a", " 87082", "287082 ", "+87082", "-87082", "28708\u0000",
      "\u0662\u0668\u0667\u0660\u0668\u0662", "\uFF12\uFF18\uFF17\uFF10\uFF18\uFF12", "94287082"})
  void verify_malformedCode_rejected(String code) {
    // at 59 s the valid 6-digit SHA-1 code is 287082; each input is a malformed variant of it
    assertThat(Totp.standard().verify(SEED_SHA1, code, Instant.ofEpochSecond(59))).isEqualTo(-1L);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 5, 9, 10})
  void constructor_digitsOutsideSixToEight_rejected(int digits) {
    assertThatThrownBy(() -> new Totp("HmacSHA1", digits)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("digits must be 6-8");
  }

  @Test
  void code_leadingZeros_arePadded() {
    assertThat(new Totp("HmacSHA1", 8).code(SEED_SHA1, 0x23523ECL)).isEqualTo("07081804").hasSize(8);
  }
}

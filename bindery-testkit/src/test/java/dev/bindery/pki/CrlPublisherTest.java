package dev.bindery.pki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.testkit.MutableClock;
import dev.bindery.testkit.pki.TestCa;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLHolder;
import org.junit.jupiter.api.Test;

class CrlPublisherTest {
  private final MutableClock clock = MutableClock.standard();
  private final TestCa pki = TestCa.create(clock.instant().minus(Duration.ofDays(1)));
  private final List<RevokedCertificate> revoked = new ArrayList<>();
  private int lookups;
  private final RevocationRegistry registry = new RevocationRegistry() {
    @Override
    public CertificateStatus status(BigInteger serial, Instant now) {
      throw new AssertionError("the CRL does not look up single serials");
    }

    @Override
    public List<RevokedCertificate> revokedUnexpired(Instant now) {
      lookups++;
      return new ArrayList<>(revoked);
    }
  };
  private final CrlPublisher publisher = new CrlPublisher(pki.ca(), registry, clock);

  private static X509CRLHolder parse(byte[] der) throws Exception {
    return new X509CRLHolder(der);
  }

  private static BigInteger number(X509CRLHolder crl) {
    return CRLNumber.getInstance(crl.getExtension(Extension.cRLNumber).getParsedValue()).getCRLNumber();
  }

  @Test
  void current_first_generatesWithEpochSecondNumberAndOneHourValidity() throws Exception {
    X509CRLHolder crl = parse(publisher.current());

    assertThat(number(crl)).isEqualTo(BigInteger.valueOf(clock.instant().getEpochSecond()));
    assertThat(crl.getThisUpdate().toInstant()).isEqualTo(clock.instant());
    assertThat(crl.getNextUpdate().toInstant()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
    assertThat(crl.getRevokedCertificates()).isEmpty();
  }

  @Test
  void current_withinRecheckInterval_servesCacheWithoutLookup() {
    byte[] first = publisher.current();
    clock.advance(Duration.ofSeconds(4));
    revoked.add(new RevokedCertificate(BigInteger.TEN, clock.instant(), RevocationReason.KEY_COMPROMISE));

    assertThat(publisher.current()).isEqualTo(first);
    assertThat(lookups).isEqualTo(1);
  }

  @Test
  void current_revocationAfterRecheckInterval_regeneratesWithHigherNumber() throws Exception {
    X509CRLHolder first = parse(publisher.current());
    clock.advance(Duration.ofSeconds(5));
    revoked.add(new RevokedCertificate(BigInteger.TEN, clock.instant(), RevocationReason.KEY_COMPROMISE));

    X509CRLHolder second = parse(publisher.current());

    assertThat(second.getRevokedCertificate(BigInteger.TEN)).isNotNull();
    assertThat(number(second)).isGreaterThan(number(first));
    assertThat(second.getThisUpdate().toInstant()).isEqualTo(clock.instant());
  }

  @Test
  void current_unchangedSetInAnotherOrder_keepsTheSameCrl() {
    revoked.add(new RevokedCertificate(BigInteger.ONE, clock.instant(), RevocationReason.SUPERSEDED));
    revoked.add(new RevokedCertificate(BigInteger.TWO, clock.instant(), RevocationReason.SUPERSEDED));
    byte[] first = publisher.current();
    clock.advance(Duration.ofSeconds(10));
    Collections.reverse(revoked);

    assertThat(publisher.current()).isEqualTo(first);
    assertThat(lookups).isEqualTo(2);
  }

  @Test
  void current_halfValidityPassed_regeneratesEvenIfUnchanged() throws Exception {
    X509CRLHolder first = parse(publisher.current());
    clock.advance(Duration.ofMinutes(29));
    assertThat(number(parse(publisher.current()))).isEqualTo(number(first));
    clock.advance(Duration.ofMinutes(1));

    X509CRLHolder refreshed = parse(publisher.current());

    assertThat(refreshed.getThisUpdate().toInstant()).isEqualTo(clock.instant());
    assertThat(refreshed.getNextUpdate().toInstant()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
    assertThat(number(refreshed)).isEqualTo(BigInteger.valueOf(clock.instant().getEpochSecond()));
  }

  @Test
  void current_clockStepsBack_numberStillIncreases() throws Exception {
    X509CRLHolder first = parse(publisher.current());
    clock.set(clock.instant().minus(Duration.ofMinutes(10)));

    X509CRLHolder second = parse(publisher.current());

    assertThat(number(second)).isEqualTo(number(first).add(BigInteger.ONE));
  }

  @Test
  void current_newPublisherAfterRestart_numberAboveEarlierOnes() throws Exception {
    BigInteger before = number(parse(publisher.current()));
    clock.advance(Duration.ofSeconds(1));

    BigInteger after = number(parse(new CrlPublisher(pki.ca(), registry, clock).current()));

    assertThat(after).isGreaterThan(before);
  }
}

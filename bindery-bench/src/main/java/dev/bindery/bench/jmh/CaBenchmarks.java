package dev.bindery.bench.jmh;

import dev.bindery.identity.IdentityId;
import dev.bindery.pki.BcCertificateAuthority;
import dev.bindery.pki.CaMaterial;
import dev.bindery.pki.CertificateStatus;
import dev.bindery.pki.Csrs;
import dev.bindery.pki.IssuedCertificate;
import dev.bindery.pki.RevocationReason;
import dev.bindery.pki.RevokedCertificate;
import dev.bindery.pki.TrustDomain;
import dev.bindery.pki.VerifiedCsr;
import dev.bindery.security.SecretSealer;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorResult;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The raw certificate authority, one core, no HTTP and no database: what {@code BcCertificateAuthority} does per
 * certificate, per CRL and per OCSP answer. The CA is an EC P-256 root and intermediate made by
 * {@link CaMaterial#generate}; requests are EC P-256 CSRs signed with ES256, as {@code ./bindery enroll} sends.
 *
 * <ul>
 *   <li>{@code csrVerify}: {@link Csrs#verify(String)} (PEM, DER, key checks, signature).
 *   <li>{@code issue}: {@link BcCertificateAuthority#issue} from a verified CSR: template, ES256 signature, then
 *       the independent validation (JDK PKIX path validation to the root and the SVID checks).
 *   <li>{@code csrVerifyAndIssue}: both, the whole pipeline of an enrolment or renewal.
 *   <li>{@code ocspResponse}: one certificate id with a nonce, status "good": parse, match the issuer, sign.
 *   <li>{@code crl100k}: a CRL with 100,000 entries (DER, signed), time per CRL.
 *   <li>{@code pkixJdk} / {@code pkixBouncyCastle}: only the path validation step of {@code issue} (a leaf and
 *       the intermediate, root as anchor), by the JDK's PKIX validator (what the CA uses) and, for comparison,
 *       by BouncyCastle's. The JDK caches parsed certificates (750 of them) and a certificate remembers a
 *       successful signature check: the intermediate (the same object on every issue) is verified once, each new
 *       leaf every time. The benchmark therefore cycles through {@value #DISTINCT_LEAVES} distinct leaves.
 * </ul>
 *
 * <p>Run: {@code java -cp bindery-bench/target/bindery-bench.jar org.openjdk.jmh.Main CaBenchmarks}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class CaBenchmarks {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private static final IdentityId ID = IdentityId.parse("nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa");
  static final int CRL_ENTRIES = 100_000;

  private BcCertificateAuthority ca;
  private String csrPem;
  private VerifiedCsr csr;
  private byte[] ocspRequest;
  private final Function<BigInteger, CertificateStatus> good = s -> new CertificateStatus.Good();
  private List<RevokedCertificate> revoked;
  static final int DISTINCT_LEAVES = 4_000;
  private byte[][] leaves;
  private int next;
  private PKIXParameters pkix;
  private final Provider bouncyCastle = new BouncyCastleProvider();

  @Setup
  public void setUp() throws Exception {
    SecureRandom random = new SecureRandom();
    byte[] masterKey = new byte[32];
    random.nextBytes(masterKey);
    SecretSealer sealer = new SecretSealer(masterKey, random);
    CaMaterial material = CaMaterial.generate(new TrustDomain("bench.test"), NOW.minus(Duration.ofDays(1)), random,
        sealer);
    ca = new BcCertificateAuthority(material, sealer, URI.create("https://bindery.bench:8443"), random);

    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair key = g.generateKeyPair();
    byte[] der = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=bench"), key.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())).getEncoded();
    csrPem = "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END CERTIFICATE REQUEST-----\n";
    csr = Csrs.verify(csrPem);
    IssuedCertificate leaf = ca.issue(csr, ID, Duration.ofHours(24), NOW);
    leaves = new byte[DISTINCT_LEAVES][];
    for (int i = 0; i < DISTINCT_LEAVES; i++) {
      leaves[i] = ca.issue(csr, ID, Duration.ofHours(24), NOW).certificate().getEncoded();
    }
    pkix = new PKIXParameters(Set.of(new TrustAnchor(ca.root(), null)));
    pkix.setRevocationEnabled(false);
    pkix.setDate(Date.from(NOW));

    byte[] nonce = new byte[16];
    random.nextBytes(nonce);
    ocspRequest = new OCSPReqBuilder()
        .addRequest(new CertificateID(new BcDigestCalculatorProvider().get(CertificateID.HASH_SHA1),
            new JcaX509CertificateHolder(ca.intermediate()), leaf.serial()))
        .setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
            new DEROctetString(new DEROctetString(nonce).getEncoded()))))
        .build().getEncoded();

    revoked = new ArrayList<>(CRL_ENTRIES);
    RevocationReason[] reasons = {RevocationReason.KEY_COMPROMISE, RevocationReason.SUPERSEDED,
        RevocationReason.CESSATION_OF_OPERATION};
    for (int i = 0; i < CRL_ENTRIES; i++) {
      revoked.add(new RevokedCertificate(new BigInteger(159, random).setBit(150), NOW.minusSeconds(i),
          reasons[i % reasons.length]));
    }
  }

  @Benchmark
  public VerifiedCsr csrVerify() {
    return Csrs.verify(csrPem);
  }

  @Benchmark
  public IssuedCertificate issue() {
    return ca.issue(csr, ID, Duration.ofHours(24), NOW);
  }

  @Benchmark
  public IssuedCertificate csrVerifyAndIssue() {
    return ca.issue(Csrs.verify(csrPem), ID, Duration.ofHours(24), NOW);
  }

  @Benchmark
  public byte[] ocspResponse() {
    return ca.ocsp(ocspRequest, good, NOW);
  }

  private CertPath freshPath() throws Exception {
    CertificateFactory f = CertificateFactory.getInstance("X.509");
    X509Certificate leaf = (X509Certificate) f.generateCertificate(new ByteArrayInputStream(leaves[next]));
    next = (next + 1) % leaves.length;
    return f.generateCertPath(List.of(leaf, ca.intermediate()));
  }

  @Benchmark
  public CertPathValidatorResult pkixJdk() throws Exception {
    return CertPathValidator.getInstance("PKIX").validate(freshPath(), pkix);
  }

  @Benchmark
  public CertPathValidatorResult pkixBouncyCastle() throws Exception {
    return CertPathValidator.getInstance("PKIX", bouncyCastle).validate(freshPath(), pkix);
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 3)
  @Measurement(iterations = 10)
  public byte[] crl100k() {
    return ca.crl(revoked, BigInteger.valueOf(NOW.getEpochSecond()), NOW, NOW.plus(Duration.ofHours(1)));
  }
}

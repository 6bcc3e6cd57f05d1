package dev.bindery.oauth;

import dev.bindery.credential.CredentialId;
import dev.bindery.credential.CredentialService;
import dev.bindery.credential.CredentialView;
import dev.bindery.credential.IssuedSvid;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.Scope;
import dev.bindery.identity.TeamId;
import dev.bindery.pki.Pem;
import dev.bindery.security.Caller;
import dev.bindery.testkit.TestBindery;
import dev.bindery.testkit.TestClientAssertion;
import dev.bindery.testkit.TestIdentities;
import dev.bindery.testkit.TestOperator;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import dev.bindery.token.AccessTokenIssuer;
import dev.bindery.token.KeyRing;
import dev.bindery.token.KeyRingSettings;
import dev.bindery.token.ResourceServerService;
import dev.bindery.token.TokenPolicyService;
import dev.bindery.token.TokenSettings;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The authorization server's core over an in-memory Bindery: identities with scopes, enrolled X.509-SVIDs and
 * registered self-signed certificates, the client authenticators, a key ring, the grant, and a registered resource
 * server {@link #API}.
 */
final class OAuthFixture {
  static final String ISSUER = "https://bindery.test:8443";
  static final String API = "https://api.example.com/";
  final TestBindery b = TestBindery.inMemory();
  final CredentialService credentials = b.credentials();
  final TeamId payments = b.team("payments");
  final TeamId platform = b.team("platform");
  final TestOperator admin = b.admin();
  final Caller adminCaller = b.caller(admin);
  final TokenSettings settings = new TokenSettings(Duration.ofSeconds(300), Duration.ofSeconds(3600), null);
  final KeyRing keys = new KeyRing(b.store(), b.sealer(), b.clock(),
      KeyRingSettings.of(Duration.ofDays(7), settings.maxLifetime()), new SecureRandom());
  final TokenPolicyService policies = new TokenPolicyService(b.auditedTransactor(), b.authorizer(), settings);
  final TlsClientAuthenticator tls = new TlsClientAuthenticator(credentials, b.pki().ca(), b.clock());
  final SelfSignedTlsClientAuthenticator selfSigned = new SelfSignedTlsClientAuthenticator(credentials, b.store(), b.clock());
  final ClientAuthentication clients = new ClientAuthentication(List.of(tls, selfSigned));
  static final String TOKEN_PATH = "/oauth2/token";
  final PrivateKeyJwtAuthenticator jwt = new PrivateKeyJwtAuthenticator(credentials, b.store(), b.clock(),
      () -> ISSUER, TOKEN_PATH);
  /** Every method, private_key_jwt included. */
  final ClientAuthentication allClients = new ClientAuthentication(List.of(tls, selfSigned, jwt));

  OAuthFixture() {
    new ResourceServerService(b.auditedTransactor(), b.authorizer()).register(adminCaller, API, "API");
    keys.refresh();
  }

  TokenService tokens(TokenSettings with) {
    return new TokenService(b.store(), new AccessTokenIssuer(keys, new SecureRandom()), with, b.clock(),
        () -> ISSUER);
  }

  Identity identity(String... scopes) {
    Identity i = b.identities().create(adminCaller, TestIdentities.workload().owner(payments).backupTeam(platform)
        .build()).identity();
    if (scopes.length == 0) {
      return i;
    }
    return b.identities().setScopes(adminCaller, i.id(), i.version(), Scope.parseAll(List.of(scopes)));
  }

  record Presented(KeyPair key, X509Certificate certificate) {}

  Presented enrol(IdentityId id) {
    KeyPair key = TestKeys.ecP256();
    IssuedSvid svid = credentials.enrol(credentials.createEnrolmentCode(adminCaller, id, null).code().reveal(),
        TestCsr.forKey(key).pem(), "req");
    return new Presented(key, svid.certificate());
  }

  Presented registeredSelfSigned(IdentityId id) {
    KeyPair key = TestKeys.ecP256();
    X509Certificate c = selfSignedCertificate(key, b.clock().instant());
    credentials.registerSelfSignedCertificate(adminCaller, id, Pem.certificate(c));
    return new Presented(key, c);
  }

  /** A key pair registered as a public key of the identity, its kid (RFC 7638 thumbprint) and credential. */
  record RegisteredKey(KeyPair key, String kid, CredentialId credentialId) {}

  /** Registers the public key of {@code key} for the identity, valid for 30 days. */
  RegisteredKey registerKey(IdentityId id, KeyPair key) {
    return registerKey(id, key, b.clock().instant().plus(Duration.ofDays(30)));
  }

  RegisteredKey registerKey(IdentityId id, KeyPair key, Instant expiresAt) {
    CredentialView view = credentials.registerPublicKey(adminCaller, id,
        TestClientAssertion.publicJwk(key.getPublic()), expiresAt);
    return new RegisteredKey(key, TestClientAssertion.thumbprint(key.getPublic()), view.credential().id());
  }

  /** An assertion for {@code id} with aud = the issuer, at the fixture's now. */
  TestClientAssertion assertion(IdentityId id) {
    return TestClientAssertion.forClient(id.value(), ISSUER, b.clock().instant());
  }

  static ClientAuthenticationRequest jwtRequest(String clientId, String assertion) {
    return new ClientAuthenticationRequest(clientId, List.of(), ClientAuthentication.JWT_BEARER_ASSERTION, assertion,
        false, null, "req");
  }

  static X509Certificate selfSignedCertificate(KeyPair key, Instant now) {
    try {
      X500Name name = new X500Name("CN=self signed workload");
      return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.TEN,
          Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(30))), name, key.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static ClientAuthenticationRequest mtls(String clientId, X509Certificate... chain) {
    return ClientAuthenticationRequest.mutualTls(clientId, List.of(chain), "req");
  }

  AuthenticatedClient authenticate(IdentityId id, X509Certificate certificate) {
    return clients.authenticate(mtls(id.value(), certificate));
  }
}

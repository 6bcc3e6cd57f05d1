package dev.bindery.server.http;

import static dev.bindery.server.http.BodySpec.Type.STRING;
import static dev.bindery.server.http.BodySpec.required;

import dev.bindery.credential.AuthenticatedCredential;
import dev.bindery.credential.CredentialService;
import dev.bindery.credential.IssuedSvid;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * The two routes a workload calls itself, without an operator token (docs/api.md, "Credentials and the CA"):
 * {@code POST /api/v1/enrol}, authenticated by a one-time enrolment code in the body, and
 * {@code POST /api/v1/renew}, authenticated by the X.509-SVID the workload presents in the TLS handshake.
 *
 * <p>This is the only code that reads TLS objects: the peer's certificate chain, which Jetty exposes as the
 * request attribute {@value #PEER_CERTIFICATES}. The TLS layer has already validated the chain (PKIX to the
 * identity CA, or a single self-signed certificate); {@link CredentialService#authenticateCertificate} then
 * checks the credential behind the leaf. No proxy-forwarded certificate header is ever read.
 *
 * <p>Enrolment refusals are limited per remote address (the TCP peer): see
 * {@link CredentialService#enrol(String, String, String, String)}.
 */
public final class WorkloadRoutes {
  /** The servlet attribute holding the client's certificate chain, leaf first (Jakarta Servlet 6, 3.10). */
  public static final String PEER_CERTIFICATES = "jakarta.servlet.request.X509Certificate";
  private static final String TAG = "credentials";

  private final CredentialService credentials;
  private final Clock clock;

  public WorkloadRoutes(CredentialService credentials, Clock clock) {
    this.credentials = Objects.requireNonNull(credentials);
    this.clock = Objects.requireNonNull(clock);
  }

  public List<Route> routes() {
    return List.of(
        Route.post("/api/v1/enrol", "enrol").tag(TAG).access(Access.ENROLMENT_CODE).status(201)
            .summary("A workload redeems a one-time enrolment code with a CSR: generation 1 of a new lineage")
            .body(BodySpec.of(required("code", STRING, "the enrolment code, bnd_enr_..."),
                required("csr", STRING, "PEM PKCS#10 certificate signing request")))
            .handle(this::enrol),
        Route.post("/api/v1/renew", "renew").tag(TAG).access(Access.WORKLOAD_CERTIFICATE).status(201)
            .summary("A workload renews over mutual TLS with its current certificate: generation n+1")
            .body(BodySpec.of(required("csr", STRING, "PEM PKCS#10 certificate signing request, same or new key")))
            .handle(this::renew));
  }

  private void enrol(Call call) {
    Body b = call.body();
    IssuedSvid issued = credentials.enrol(b.string("code"), b.string("csr"), call.ctx().req().getRemoteAddr(),
        call.requestId());
    call.json(201, Views.issuedSvid(issued));
  }

  private void renew(Call call) {
    // authenticate before reading the body: a caller without a usable certificate learns nothing else
    AuthenticatedCredential presenter = credentials.authenticateCertificate(peerLeaf(call), clock.instant(),
        call.requestId());
    IssuedSvid issued = credentials.renew(presenter, call.body().string("csr"), call.requestId());
    call.json(201, Views.issuedSvid(issued));
  }

  /** The leaf of the chain the client presented in the handshake, or null when it presented none. */
  private static X509Certificate peerLeaf(Call call) {
    Object chain = call.ctx().req().getAttribute(PEER_CERTIFICATES);
    if (chain instanceof X509Certificate[] certificates && certificates.length > 0) {
      return certificates[0];
    }
    return null;
  }
}

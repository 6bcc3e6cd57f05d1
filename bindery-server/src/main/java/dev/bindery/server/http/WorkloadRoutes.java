package dev.bindery.server.http;

import static dev.bindery.server.http.BodySpec.Type.STRING;
import static dev.bindery.server.http.BodySpec.required;

import dev.bindery.credential.AuthenticatedCredential;
import dev.bindery.credential.CredentialService;
import dev.bindery.credential.IssuedSvid;
import dev.bindery.server.tls.ClientCertificates;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * The two routes a workload calls itself, without an operator token (docs/api.md, "Credentials and the CA"):
 * {@code POST /api/v1/enrol}, authenticated by a one-time enrolment code in the body, and
 * {@code POST /api/v1/renew}, authenticated by the X.509-SVID the workload presents in the TLS handshake (or that a
 * trusted TLS-terminating proxy forwards).
 *
 * <p>The certificate comes from {@link ClientCertificates}: from a trusted proxy, only the chain it forwards,
 * validated as the handshake would (the proxy's own TLS certificate is never the client's); from any other peer, only
 * the TLS peer chain, already validated by the handshake (PKIX to the identity CA, or a single self-signed
 * certificate) (a malformed header is 400 {@code certificate_malformed}, a chain the handshake would refuse
 * 401 {@code client_certificate_untrusted}); {@link CredentialService#authenticateCertificate} then checks the
 * credential behind the leaf.
 *
 * <p>Enrolment refusals are limited per remote address (the TCP peer): see
 * {@link CredentialService#enrol(String, String, String, String)}.
 */
public final class WorkloadRoutes {
  private static final String TAG = "credentials";

  private final CredentialService credentials;
  private final ClientCertificates clientCertificates;
  private final Clock clock;

  public WorkloadRoutes(CredentialService credentials, ClientCertificates clientCertificates, Clock clock) {
    this.credentials = Objects.requireNonNull(credentials);
    this.clientCertificates = Objects.requireNonNull(clientCertificates);
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
    AuthenticatedCredential presenter = credentials.authenticateCertificate(clientCertificates.leaf(call.ctx().req()),
        clock.instant(), call.requestId());
    IssuedSvid issued = credentials.renew(presenter, call.body().string("csr"), call.requestId());
    call.json(201, Views.issuedSvid(issued));
  }
}

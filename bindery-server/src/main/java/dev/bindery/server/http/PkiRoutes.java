package dev.bindery.server.http;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.pki.CertificateAuthority;
import dev.bindery.pki.CrlPublisher;
import dev.bindery.pki.Pem;
import dev.bindery.pki.RevocationRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The identity CA's public routes, without authentication: the CA chain, the CRL (RFC 5280) at the URL every
 * certificate names as its distribution point, and the OCSP responder (RFC 6960, POST and the GET form of
 * appendix A.1) at the URL of every certificate's authority information access.
 *
 * <p>OCSP answers are always HTTP 200 with an OCSP response; a request that does not parse gets the OCSP status
 * {@code malformedRequest}. Transport problems are problem documents: a POST body that is not
 * {@value #OCSP_REQUEST_TYPE} is 415 {@code unsupported_media_type}, one larger than {@value #MAX_OCSP_REQUEST_BYTES}
 * bytes is 413 {@code body_too_large}, and a GET request that is not base64 is 400 {@code invalid_field}.
 */
public final class PkiRoutes {
  public static final String OCSP_REQUEST_TYPE = "application/ocsp-request";
  public static final String OCSP_RESPONSE_TYPE = "application/ocsp-response";
  public static final String CRL_TYPE = "application/pkix-crl";
  public static final String CHAIN_TYPE = "application/pem-certificate-chain";
  /** OCSP requests are a few hundred bytes; this leaves room for signed requests with a certificate chain. */
  public static final int MAX_OCSP_REQUEST_BYTES = 16 * 1024;

  private final CertificateAuthority ca;
  private final RevocationRegistry registry;
  private final CrlPublisher crl;
  private final Clock clock;
  private final byte[] chainPem;

  public PkiRoutes(CertificateAuthority ca, RevocationRegistry registry, Clock clock) {
    this.ca = Objects.requireNonNull(ca, "ca");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.crl = new CrlPublisher(ca, registry, clock);
    this.chainPem = Pem.certificates(ca.chain()).getBytes(StandardCharsets.US_ASCII);
  }

  public List<Route> routes() {
    return List.of(
        Route.get("/pki/ca.pem", "getCaChain").tag("pki").access(Access.PUBLIC).produces(CHAIN_TYPE)
            .summary("The identity CA chain: issuing intermediate, then root (PEM)")
            .handle(c -> c.ctx().status(200).contentType(CHAIN_TYPE).result(chainPem)),
        Route.get("/pki/crl", "getCrl").tag("pki").access(Access.PUBLIC).produces(CRL_TYPE)
            .summary("The current CRL (DER), signed by the issuing CA")
            .handle(c -> c.ctx().status(200).contentType(CRL_TYPE).result(crl.current())),
        Route.post("/pki/ocsp", "postOcsp").tag("pki").access(Access.PUBLIC).consumes(OCSP_REQUEST_TYPE)
            .produces(OCSP_RESPONSE_TYPE).summary("OCSP responder (RFC 6960), DER request in the body")
            .handle(this::postOcsp),
        Route.get("/pki/ocsp/<request>", "getOcsp").tag("pki").access(Access.PUBLIC).produces(OCSP_RESPONSE_TYPE)
            .summary("OCSP responder, GET form: the base64 (or base64url) DER request in the path")
            .handle(this::getOcsp));
  }

  private void postOcsp(Call call) {
    var ctx = call.ctx();
    String type = ctx.header("Content-Type"); // not ctx.contentType(): Jetty throws on an unknown charset parameter
    if (type == null || !type.toLowerCase(Locale.ROOT).split(";", 2)[0].strip().equals(OCSP_REQUEST_TYPE)) {
      throw new RejectedException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send the OCSP request as " + OCSP_REQUEST_TYPE);
    }
    if (ctx.contentLength() > MAX_OCSP_REQUEST_BYTES) {
      throw tooLarge();
    }
    byte[] body = ctx.bodyAsBytes();
    if (body.length > MAX_OCSP_REQUEST_BYTES) {
      throw tooLarge();
    }
    answer(call, body);
  }

  private void getOcsp(Call call) {
    String encoded = call.path("request");
    if (encoded.length() > MAX_OCSP_REQUEST_BYTES * 2) {
      throw tooLarge();
    }
    byte[] der;
    try {
      // a '+' that was not percent-encoded arrives as a space
      String b64 = encoded.replace(' ', '+').strip();
      der = b64.indexOf('-') >= 0 || b64.indexOf('_') >= 0
          ? Base64.getUrlDecoder().decode(b64) : Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw RejectedException.invalid("request", "the OCSP request in the path must be base64 or base64url DER");
    }
    answer(call, der);
  }

  private void answer(Call call, byte[] der) {
    Instant now = clock.instant();
    byte[] response = ca.ocsp(der, serial -> registry.status(serial, now), now);
    call.ctx().status(200).contentType(OCSP_RESPONSE_TYPE).result(response);
  }

  private static RejectedException tooLarge() {
    return new RejectedException(ErrorCode.BODY_TOO_LARGE, "an OCSP request is at most " + MAX_OCSP_REQUEST_BYTES
        + " bytes");
  }
}

package dev.bindery.server.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** An {@link Exchange} over a Javalin {@link Context} (the servlet request and response). */
public final class ContextExchange implements Exchange {
  /** The servlet request attribute of the TLS client's certificate chain. */
  public static final String PEER_CERTIFICATES = "jakarta.servlet.request.X509Certificate";
  private final Context ctx;

  public ContextExchange(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public String method() {
    return ctx.method().name().toUpperCase(Locale.ROOT);
  }

  @Override
  public String header(String name) {
    return ctx.header(name);
  }

  @Override
  public List<String> headers(String name) {
    return Collections.list(ctx.req().getHeaders(name));
  }

  @Override
  public long contentLength() {
    return ctx.req().getContentLengthLong();
  }

  @Override
  public InputStream body() throws IOException {
    return ctx.req().getInputStream();
  }

  @Override
  public X509Certificate[] tlsPeerCertificates() {
    return ctx.req().getAttribute(PEER_CERTIFICATES) instanceof X509Certificate[] chain ? chain : null;
  }

  @Override
  public String remoteAddress() {
    return ctx.req().getRemoteAddr();
  }

  @Override
  public String requestId() {
    return RequestIds.current(ctx);
  }

  @Override
  public void header(String name, String value) {
    ctx.header(name, value);
  }

  @Override
  public void respond(int status, String contentType, byte[] body) {
    ctx.status(status);
    if (contentType != null) {
      ctx.contentType(contentType);
    }
    if (body.length > 0) {
      ctx.result(body);
    }
  }
}

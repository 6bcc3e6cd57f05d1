package dev.bindery.cli;

import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.http.CaFileTrust;
import dev.bindery.cli.output.OutputFormat;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Option;

/**
 * Where the server is, whom to trust for its TLS certificate, and the output format: the options of every
 * command that talks to a server. Operator commands add the token ({@link ClientOptions}); the workload
 * commands ({@code enroll}, {@code renew}) take only these, because they never send an operator token. An
 * option given on the command line wins over its environment variable.
 */
public class ConnectionOptions {
  static final String DEFAULT_SERVER = "https://localhost:8443";

  @Option(names = "--server", paramLabel = "URL",
      description = "Bindery server URL (env BINDERY_SERVER; default " + DEFAULT_SERVER + ").")
  String server;

  @Option(names = "--ca-file", paramLabel = "FILE",
      description = "PEM file of the CA to trust for the server's TLS certificate (env BINDERY_CA_FILE);"
          + " without it the JDK's default trust store is used.")
  Path caFile;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table (aligned columns, the default) or json (the server's JSON, pretty-printed).")
  OutputFormat output;

  public OutputFormat output() {
    return output;
  }

  /** The server base URL; only http and https URLs with a host are accepted. */
  public URI server(ClientContext context) {
    String text = server != null ? server : context.env("BINDERY_SERVER");
    if (text == null) {
      text = DEFAULT_SERVER;
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw CliFailure.usage("--server is not a URL: " + text);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
      throw CliFailure.usage("--server must be an https:// (or http://) URL with a host, got: " + text);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw CliFailure.usage("--server must not have a query or fragment, got: " + text);
    }
    return uri;
  }

  /**
   * The TLS context for the server: trust from --ca-file or BINDERY_CA_FILE (else null: the JDK default
   * trust store), and no client certificate.
   */
  public SSLContext serverTrust(ClientContext context) {
    Path ca = caFile(context);
    return ca != null ? CaFileTrust.sslContextTrusting(ca) : null;
  }

  /**
   * A TLS context that presents a client certificate (mutual TLS) from {@code keyManagers}, and trusts the
   * server as {@link #serverTrust} does (the JDK default trust store without a CA file).
   */
  public SSLContext serverTrustWithClientCertificate(ClientContext context, KeyManager[] keyManagers) {
    return CaFileTrust.sslContext(keyManagers, caFile(context));
  }

  private Path caFile(ClientContext context) {
    if (caFile != null) {
      return caFile;
    }
    String fromEnvironment = context.env("BINDERY_CA_FILE");
    return fromEnvironment == null ? null : Path.of(fromEnvironment);
  }
}

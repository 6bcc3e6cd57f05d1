package dev.bindery.cli;

import dev.bindery.cli.http.ApiClient;
import dev.bindery.cli.http.CaFileTrust;
import dev.bindery.common.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Option;

/**
 * The options every client command takes: where the server is, whom to trust for TLS, the operator token
 * and the output format. An option given on the command line wins over its environment variable.
 */
public final class ClientOptions {
  static final String DEFAULT_SERVER = "https://localhost:8443";

  /** How results are shown. */
  public enum OutputFormat {
    table, json
  }

  @Option(names = "--server", paramLabel = "URL",
      description = "Bindery server URL (env BINDERY_SERVER; default " + DEFAULT_SERVER + ").")
  String server;

  @Option(names = "--ca-file", paramLabel = "FILE",
      description = "PEM file of the CA to trust for the server's TLS certificate (env BINDERY_CA_FILE);"
          + " without it the JDK's default trust store is used.")
  Path caFile;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "Operator API token (env BINDERY_TOKEN). Prefer --token-file: a command-line argument"
          + " is visible to other local users.")
  String token;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "File holding the operator API token (env BINDERY_TOKEN_FILE).")
  Path tokenFile;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table (aligned columns, the default) or json (the server's JSON, pretty-printed).")
  OutputFormat output;

  public OutputFormat output() {
    return output;
  }

  /** The server base URL; only http and https URLs with a host are accepted. */
  public URI server(ClientContext context) {
    String text = firstNonNull(server, context.env("BINDERY_SERVER"), DEFAULT_SERVER);
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

  /** The token from --token, --token-file, BINDERY_TOKEN or BINDERY_TOKEN_FILE, in that order. */
  public Secret token(ClientContext context) {
    if (token != null && tokenFile != null) {
      throw CliFailure.usage("give either --token or --token-file, not both");
    }
    if (token != null) {
      return nonBlankToken(token, "--token");
    }
    if (tokenFile != null) {
      return readTokenFile(tokenFile);
    }
    String fromEnvironment = context.env("BINDERY_TOKEN");
    if (fromEnvironment != null) {
      return nonBlankToken(fromEnvironment, "BINDERY_TOKEN");
    }
    String fileFromEnvironment = context.env("BINDERY_TOKEN_FILE");
    if (fileFromEnvironment != null) {
      return readTokenFile(Path.of(fileFromEnvironment));
    }
    throw CliFailure.usage("no operator token: use --token-file FILE, --token, BINDERY_TOKEN_FILE or"
        + " BINDERY_TOKEN");
  }

  /** An HTTP client for this server with the chosen trust and token. */
  public ApiClient connect(ClientContext context) {
    URI uri = server(context);
    Secret bearer = token(context);
    Path ca = caFile != null ? caFile : pathOrNull(context.env("BINDERY_CA_FILE"));
    SSLContext trust = ca != null ? CaFileTrust.sslContextTrusting(ca) : null;
    return new ApiClient(uri, trust, bearer, context.connectTimeout(), context.requestTimeout());
  }

  private static Secret readTokenFile(Path file) {
    String content;
    try {
      content = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw CliFailure.usage("cannot read token file " + file + ": " + CliFailure.reason(e));
    }
    return nonBlankToken(content, "token file " + file);
  }

  private static Secret nonBlankToken(String value, String source) {
    String trimmed = value.strip();
    if (trimmed.isEmpty() || trimmed.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      // never echo the value: it may be a real token with a stray character
      throw CliFailure.usage(source + " does not hold a token (empty, or has spaces or control characters)");
    }
    return Secret.of(trimmed);
  }

  private static Path pathOrNull(String value) {
    return value == null ? null : Path.of(value);
  }

  @SafeVarargs
  private static <T> T firstNonNull(T... values) {
    for (T value : values) {
      if (value != null) {
        return value;
      }
    }
    return null;
  }
}

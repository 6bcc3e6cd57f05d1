package dev.bindery.cli;

import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.http.ApiClient;
import dev.bindery.common.Secret;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every operator command takes: the {@link ConnectionOptions} (server, trust, output format)
 * and the operator token. An option given on the command line wins over its environment variable.
 */
public final class ClientOptions extends ConnectionOptions {
  @Option(names = "--token", paramLabel = "TOKEN",
      description = "Operator API token (env BINDERY_TOKEN). Prefer --token-file: a command-line argument"
          + " is visible to other local users.")
  String token;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "File holding the operator API token (env BINDERY_TOKEN_FILE).")
  Path tokenFile;

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
    return new ApiClient(uri, serverTrust(context), bearer, context.connectTimeout(), context.requestTimeout());
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
}

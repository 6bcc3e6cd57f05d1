package dev.bindery.cli;

import dev.bindery.cli.output.OutputFormat;
import dev.bindery.cli.http.ApiClient;
import dev.bindery.cli.http.ApiRequest;
import java.net.URI;
import picocli.CommandLine.Mixin;

/**
 * An operator command: it takes the {@link ClientOptions} (server, trust, operator token, output format),
 * reaches the server through {@link #api()} (connected on first use, so commands that work offline need no
 * token) and prints through {@link #printer()}.
 */
public abstract class ApiCommand extends CliCommand {
  @Mixin protected ClientOptions options;

  private ApiClient api;

  @Override
  protected final OutputFormat outputFormat() {
    return options.output();
  }

  /** The API client, connected on first use with the server, trust and token options. */
  protected final ApiClient api() {
    if (api == null) {
      ClientContext context = context();
      URI server = options.server(context);
      warnIfInClear(server, "the token");
      api = options.connect(context);
    }
    return api;
  }

  /**
   * The version to send in {@code If-Match}: the {@code --version} the user gave, or else the current
   * version from a GET of the resource's ETag (which then does not protect against a change made between
   * that read and this write).
   */
  protected final long versionToMatch(Long givenVersion, String... resourceSegments) {
    if (givenVersion != null) {
      return givenVersion;
    }
    return api().send(ApiRequest.get(resourceSegments)).etagVersion();
  }
}

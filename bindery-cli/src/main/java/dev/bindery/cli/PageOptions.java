package dev.bindery.cli;

import dev.bindery.cli.http.ApiRequest;
import picocli.CommandLine.Option;

/** {@code --limit} and {@code --cursor} of list commands (the API's paging parameters). */
public final class PageOptions {
  @Option(names = "--limit", paramLabel = "N", description = "Items per page (server default 50).")
  Integer limit;

  @Option(names = "--cursor", paramLabel = "CURSOR", description = "Next page, from the previous answer.")
  String cursor;

  public ApiRequest applyTo(ApiRequest request) {
    return request.query("limit", limit).query("cursor", cursor);
  }
}

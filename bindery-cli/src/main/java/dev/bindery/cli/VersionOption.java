package dev.bindery.cli;

import picocli.CommandLine.Option;

/** {@code --version N} for changes to an identity or operator (sent as {@code If-Match: "N"}). */
public final class VersionOption {
  @Option(names = "--version", paramLabel = "N",
      description = "The version you read (sent as If-Match). When omitted the CLI GETs the resource and"
          + " uses its ETag, so a change made by someone else in between is overwritten, not detected.")
  public Long version;
}

package dev.bindery.cli.output;

/** How results are shown: {@code --output table} (default) or {@code json}. */
public enum OutputFormat {
  table, json
}

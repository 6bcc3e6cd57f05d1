package dev.bindery.cli.failure;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exit codes that scripts can rely on. They are part of the CLI's contract: a code never changes meaning
 * once released. Usage errors keep picocli's own code (2).
 */
public final class ExitCodes {
  public static final int OK = 0;
  /** The server refused the request (a 4xx answer); the problem's code and detail go to stderr. */
  public static final int REFUSED = 1;
  /** Bad arguments or options, or local input the CLI cannot use (picocli's default code for usage). */
  public static final int USAGE = 2;
  /** The server could not be reached, or the TLS handshake failed. */
  public static final int UNREACHABLE = 3;
  /** The server failed (a 5xx answer, or an answer that breaks the API contract). */
  public static final int SERVER_ERROR = 4;
  /** Audit verification found a broken chain. */
  public static final int BROKEN_CHAIN = 5;
  /**
   * The server issued a certificate ({@code enroll}, {@code renew}) but the CLI could not save it; the message
   * says which files were written and what to do.
   */
  public static final int NOT_SAVED = 6;
  /** A defect in the CLI itself; the message asks for a bug report. */
  public static final int INTERNAL = 70;

  private ExitCodes() {}

  /** The list shown under "Exit codes:" in the help of the top-level command and of each command group. */
  public static Map<String, String> helpList() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put(OK + "", "ok");
    codes.put(REFUSED + "", "the server refused the request (4xx); its problem code and detail go to stderr");
    codes.put(USAGE + "", "usage error (bad option or argument; unreadable token, CA, key or certificate file;"
        + " an output file that exists without --force)");
    codes.put(UNREACHABLE + "", "cannot reach the server, or TLS failure");
    codes.put(SERVER_ERROR + "", "server error (5xx)");
    codes.put(BROKEN_CHAIN + "", "audit verification found a broken chain");
    codes.put(NOT_SAVED + "", "a certificate was issued but could not be saved (the message says what to do)");
    codes.put(INTERNAL + "", "internal error in the CLI (please report it)");
    return codes;
  }
}

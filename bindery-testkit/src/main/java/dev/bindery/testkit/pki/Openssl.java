package dev.bindery.testkit.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code openssl} command line tool, the independent implementation Bindery's certificates, CRLs and
 * OCSP responses are checked against. The tool is required: when it is missing the calling test fails (it is not
 * skipped), because a build without these checks would claim interoperability it did not test.
 */
public final class Openssl {
  private Openssl() {}

  /** The exit code and the merged standard output and error of one run. */
  public record Result(int exitCode, String output) {
    public Result requireSuccess() {
      if (exitCode != 0) {
        throw new AssertionError("openssl failed with exit code " + exitCode + ":\n" + output);
      }
      return this;
    }
  }

  /** Runs {@code openssl args...} in {@code dir} with a 60-second limit. */
  public static Result run(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("openssl " + String.join(" ", args) + " did not finish within 60 seconds");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("the openssl command line tool is required by this test and could not be run "
          + "(install openssl and put it on the PATH): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running openssl", e);
    }
  }
}

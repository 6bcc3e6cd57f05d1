package dev.bindery.cli.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.cli.CliCommand;
import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.output.OutputFormat;
import dev.bindery.cli.ConnectionOptions;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.http.ApiClient;
import dev.bindery.cli.http.Json;
import dev.bindery.cli.pem.PemFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Mixin;

/**
 * A command run by a workload itself ({@code enroll}, {@code renew}): it proves who it is with an enrolment
 * code or its current certificate, never with an operator token, so it takes only the
 * {@link ConnectionOptions} and its {@link ApiClient} sends no {@code Authorization} header.
 */
abstract class WorkloadCommand extends CliCommand {
  @Mixin ConnectionOptions connection;

  WorkloadCommand(ClientContext context) {
    super(context);
  }

  @Override
  protected final OutputFormat outputFormat() {
    return connection.output();
  }

  /** A client without operator token over the given TLS context (null: the JDK default trust). */
  protected final ApiClient workloadClient(URI server, SSLContext tls) {
    ClientContext context = context();
    return ApiClient.withoutToken(server, tls, context.connectTimeout(), context.requestTimeout());
  }

  /** Refuses two output options that name the same file. */
  static void requireDistinct(Path... files) {
    Set<Path> seen = new HashSet<>();
    for (Path file : files) {
      if (file != null && !seen.add(file.toAbsolutePath().normalize())) {
        throw CliFailure.usage("the same file " + file + " is given for two outputs");
      }
    }
  }

  /**
   * The certificate output: {@code certificate} gets the leaf and {@code chain} the CA chain, or, without a
   * chain file, {@code certificate} gets the full chain (leaf first), the form TLS servers and clients load.
   */
  static List<byte[]> certificateContents(IssuedCertificate issued, PendingFile chain) {
    List<byte[]> contents = new ArrayList<>();
    if (chain == null) {
      contents.add(PemFiles.pem(issued.fullChain()).getBytes(StandardCharsets.US_ASCII));
    } else {
      contents.add(PemFiles.pem(List.of(issued.leaf())).getBytes(StandardCharsets.US_ASCII));
      contents.add(PemFiles.pem(issued.chain()).getBytes(StandardCharsets.US_ASCII));
    }
    return contents;
  }

  /**
   * Writes every file, then commits them in order (the key first, so a certificate is never on disk without
   * its key). A failure here comes after the server issued: exit {@link ExitCodes#NOT_SAVED}, naming what
   * was and was not written, and {@code advice}.
   */
  static void save(List<PendingFile> files, List<byte[]> contents, String advice) {
    List<String> committed = new ArrayList<>();
    PendingFile current = null;
    try {
      for (int i = 0; i < files.size(); i++) {
        current = files.get(i);
        current.write(contents.get(i));
      }
      for (PendingFile file : files) {
        current = file;
        file.commit();
        committed.add(file.target().toString());
      }
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.NOT_SAVED, "the server issued a certificate, but writing "
          + current.target() + " failed: " + CliFailure.reason(e) + "; written: "
          + (committed.isEmpty() ? "nothing" : String.join(", ", committed)) + ". " + advice);
    } finally {
      contents.forEach(content -> Arrays.fill(content, (byte) 0));
    }
  }

  /**
   * Table output: the credential's id, SPIFFE id, generation, serial and expiry, and the files written;
   * JSON output: the server's answer as it came (certificates are public; it holds no secret).
   */
  protected final void printIssued(IssuedCertificate issued, ObjectNode files) {
    if (printer().isJson()) {
      printer().resource(issued.answer());
      return;
    }
    JsonNode credential = issued.credential();
    ObjectNode summary = Json.object();
    summary.set("credential_id", credential.path("id"));
    summary.set("spiffe_id", issued.answer().path("spiffe_id"));
    summary.set("generation", credential.path("generation"));
    summary.set("serial", credential.path("serial"));
    summary.set("key_type", credential.path("key_type"));
    summary.set("not_after", credential.path("not_after"));
    summary.setAll(files);
    printer().resource(summary);
  }

  /** Closes every prepared file, removing the temporary files of those not committed. */
  static void closeAll(List<PendingFile> files) {
    files.forEach(PendingFile::close);
  }
}

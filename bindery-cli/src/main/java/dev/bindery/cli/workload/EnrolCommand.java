package dev.bindery.cli.workload;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.http.ApiClient;
import dev.bindery.cli.http.ApiRequest;
import dev.bindery.cli.http.Json;
import dev.bindery.common.Secret;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bindery enroll}: a workload gets its first X.509-SVID with a one-time enrolment code. The key pair
 * is generated here and the private key is written only to the owner-only key file; the server sees the
 * code and a PKCS#10 request ({@code POST /api/v1/enrol}, no operator token).
 */
@Command(name = "enroll", aliases = "enrol", sortOptions = false,
    description = {
        "Enrol this workload with a one-time enrolment code (POST /api/v1/enrol; no operator token is sent).",
        "Generates a key pair here, writes the private key owner-only (0600) to --key-out, sends only a"
            + " certificate signing request with the code, and writes the issued certificate. Without"
            + " --chain-out, --cert-out gets the full chain (certificate, then intermediate and root); with it,"
            + " --cert-out gets the certificate alone. Existing files are never replaced without --force.",
        "The code is a secret until used: prefer --code-file or BINDERY_ENROLMENT_CODE to --code, which"
            + " other local users can see."})
public final class EnrolCommand extends WorkloadCommand {
  private static final int MAX_CODE_LENGTH = 256;

  @Option(names = "--code", paramLabel = "CODE",
      description = "The enrolment code (bnd_enr_...; env BINDERY_ENROLMENT_CODE).")
  String code;

  @Option(names = "--code-file", paramLabel = "FILE", description = "File holding the enrolment code.")
  Path codeFile;

  @Option(names = "--key-out", required = true, paramLabel = "FILE",
      description = "Where to write the new private key (PKCS#8 PEM, created owner-only).")
  Path keyOut;

  @Option(names = "--cert-out", required = true, paramLabel = "FILE",
      description = "Where to write the issued certificate (PEM).")
  Path certOut;

  @Option(names = "--chain-out", paramLabel = "FILE",
      description = "Where to write the CA chain (PEM); without it the chain goes into --cert-out.")
  Path chainOut;

  @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec-p256",
      converter = KeyType.Converter.class, completionCandidates = KeyType.Names.class,
      description = "Key to generate: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  KeyType keyType;

  @Option(names = "--force", description = "Replace the output files if they exist.")
  boolean force;

  public EnrolCommand(ClientContext context) {
    super(context);
  }

  @Override
  protected int run() {
    requireDistinct(keyOut, certOut, chainOut);
    Secret enrolmentCode = enrolmentCode();
    URI server = connection.server(context());
    ApiClient client = workloadClient(server, connection.serverTrust(context()));
    warnIfInClear(server, "the enrolment code");
    List<PendingFile> files = new ArrayList<>();
    try {
      files.add(PendingFile.prepare(keyOut, "--key-out", true, force));
      files.add(PendingFile.prepare(certOut, "--cert-out", false, force));
      PendingFile chain = chainOut == null ? null : PendingFile.prepare(chainOut, "--chain-out", false, force);
      if (chain != null) {
        files.add(chain);
      }
      WorkloadKey key = WorkloadKey.generate(keyType);
      ObjectNode body = Json.object();
      body.put("code", enrolmentCode.reveal());
      body.put("csr", key.csrPem());
      IssuedCertificate issued = IssuedCertificate.check(
          client.send(ApiRequest.post("enrol").body(body)).json(), key.publicKey());
      List<byte[]> contents = new ArrayList<>();
      contents.add(key.pkcs8Pem());
      contents.addAll(certificateContents(issued, chain));
      save(files, contents, "The enrolment code is used up: ask for a new one and enrol again.");
      ObjectNode written = Json.object();
      written.put("key_file", keyOut.toString());
      written.put("certificate_file", certOut.toString());
      written.put("chain_file", chain == null ? "(in certificate_file)" : chainOut.toString());
      printIssued(issued, written);
      printer().note("the private key in " + keyOut + " was generated here and never sent; keep it owner-only");
      return ExitCodes.OK;
    } finally {
      closeAll(files);
      enrolmentCode.destroy();
    }
  }

  private Secret enrolmentCode() {
    if (code != null && codeFile != null) {
      throw CliFailure.usage("give either --code or --code-file, not both");
    }
    String value;
    String source;
    if (code != null) {
      value = code;
      source = "--code";
    } else if (codeFile != null) {
      try {
        value = Files.readString(codeFile, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw CliFailure.usage("cannot read code file " + codeFile + ": " + CliFailure.reason(e));
      }
      source = "code file " + codeFile;
    } else {
      value = context().env("BINDERY_ENROLMENT_CODE");
      source = "BINDERY_ENROLMENT_CODE";
      if (value == null) {
        throw CliFailure.usage("no enrolment code: use --code-file FILE, --code or BINDERY_ENROLMENT_CODE");
      }
    }
    String trimmed = value.strip();
    if (trimmed.isEmpty() || trimmed.length() > MAX_CODE_LENGTH
        || trimmed.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      // never echo the value: it is a secret until used
      throw CliFailure.usage(source + " does not hold an enrolment code (empty, too long, or has spaces"
          + " or control characters)");
    }
    return Secret.of(trimmed);
  }
}

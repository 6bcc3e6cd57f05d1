package dev.bindery.cli.workload;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.http.ApiClient;
import dev.bindery.cli.http.ApiRequest;
import dev.bindery.cli.http.Json;
import dev.bindery.cli.pem.PemFiles;
import java.net.URI;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bindery renew}: a workload renews its X.509-SVID over mutual TLS, authenticated by its current
 * certificate and key ({@code POST /api/v1/renew}, no operator token). The files are replaced only after the
 * new certificate has arrived and been checked, each atomically; with {@code --new-key} the key file too.
 */
@Command(name = "renew", sortOptions = false,
    description = {
        "Renew this workload's certificate over mutual TLS (POST /api/v1/renew; no operator token is sent).",
        "Presents the current certificate and key from --cert and --key, sends a certificate signing request"
            + " for the same key (or, with --new-key, for a new one generated here) and, once the new"
            + " certificate has arrived, replaces --cert (and --key with --new-key) atomically. A failed"
            + " renewal leaves every file as it was.",
        "Never present the previous certificate again: Bindery treats a superseded certificate as a stolen"
            + " copy and quarantines its lineage."})
public final class RenewCommand extends WorkloadCommand {
  @Option(names = "--key", required = true, paramLabel = "FILE",
      description = "The current private key (PEM; PKCS#8, SEC1 or PKCS#1, unencrypted).")
  Path keyFile;

  @Option(names = "--cert", required = true, paramLabel = "FILE",
      description = "The current certificate (PEM), optionally followed by its chain, as 'enroll' writes it.")
  Path certFile;

  @Option(names = "--chain", paramLabel = "FILE",
      description = "The CA chain file, if it is kept apart from --cert; it is presented and replaced too.")
  Path chainFile;

  @Option(names = "--new-key", description = "Generate a new key pair for the new certificate.")
  boolean newKey;

  @Option(names = "--key-type", paramLabel = "TYPE", converter = KeyType.Converter.class,
      completionCandidates = KeyType.Names.class,
      description = "With --new-key: ${COMPLETION-CANDIDATES} (default: the type of the current key).")
  KeyType keyType;

  public RenewCommand(ClientContext context) {
    super(context);
  }

  @Override
  protected int run() {
    if (keyType != null && !newKey) {
      throw CliFailure.usage("--key-type needs --new-key: renewing with the same key keeps its type");
    }
    requireDistinct(keyFile, certFile, chainFile);
    List<X509Certificate> presented = new ArrayList<>(PemFiles.readCertificates(certFile, "certificate file"));
    if (chainFile != null) {
      presented.addAll(PemFiles.readCertificates(chainFile, "chain file"));
    }
    PrivateKey privateKey = PemFiles.readPrivateKey(keyFile);
    WorkloadKey currentKey = WorkloadKey.pairedOrNull(privateKey, presented.get(0).getPublicKey());
    if (currentKey == null) {
      throw CliFailure.usage("key file " + keyFile + " does not hold the private key of the first certificate"
          + " in " + certFile);
    }
    KeyType typeOfNewKey = newKey ? newKeyType(currentKey) : null;
    URI server = connection.server(context());
    if (!"https".equals(server.getScheme().toLowerCase(Locale.ROOT))) {
      throw CliFailure.usage("renew authenticates with mutual TLS: --server must be an https:// URL");
    }
    ApiClient client = workloadClient(server, connection.serverTrustWithClientCertificate(context(),
        ClientCertificate.keyManagers(privateKey, presented)));
    List<PendingFile> files = new ArrayList<>();
    try {
      if (newKey) {
        files.add(PendingFile.prepare(keyFile, "--key", true, true));
      }
      files.add(PendingFile.prepare(certFile, "--cert", false, true));
      PendingFile chain = chainFile == null ? null : PendingFile.prepare(chainFile, "--chain", false, true);
      if (chain != null) {
        files.add(chain);
      }
      WorkloadKey requestKey = newKey ? WorkloadKey.generate(typeOfNewKey) : currentKey;
      ObjectNode body = Json.object();
      body.put("csr", requestKey.csrPem());
      IssuedCertificate issued = IssuedCertificate.check(
          client.send(ApiRequest.post("renew").body(body)).json(), requestKey.publicKey());
      List<byte[]> contents = new ArrayList<>();
      if (newKey) {
        contents.add(requestKey.pkcs8Pem());
      }
      contents.addAll(certificateContents(issued, chain));
      save(files, contents, "The previous certificate is superseded: presenting it again quarantines the"
          + " lineage. Free the disk or fix the permissions, then enrol again with a new enrolment code.");
      ObjectNode written = Json.object();
      written.put("key_file", keyFile + (newKey ? " (new key)" : " (unchanged)"));
      written.put("certificate_file", certFile.toString());
      written.put("chain_file", chain == null ? "(in certificate_file)" : chainFile.toString());
      printIssued(issued, written);
      return ExitCodes.OK;
    } finally {
      closeAll(files);
    }
  }

  private KeyType newKeyType(WorkloadKey currentKey) {
    if (keyType != null) {
      return keyType;
    }
    KeyType current = KeyType.of(currentKey.publicKey());
    if (current == null) {
      throw CliFailure.usage("the current key is of no type this CLI generates; give --key-type");
    }
    return current;
  }
}

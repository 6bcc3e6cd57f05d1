package dev.bindery.cli.credential;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.cli.ApiCommand;
import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.ClientGroup;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.http.ApiRequest;
import dev.bindery.cli.http.Json;
import dev.bindery.cli.pem.PemFiles;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bindery certificate ...}: self-signed certificates registered for an identity. */
@Command(name = "certificate", description = "Register self-signed certificates for identities.",
    subcommands = CertificateCommands.Register.class)
public final class CertificateCommands extends ClientGroup {
  public CertificateCommands(ClientContext context) {
    super(context);
  }

  @Command(name = "register", description = {
      "Register a self-signed certificate for an identity (POST /api/v1/identities/{id}/self-signed-certificates),"
          + " for self_signed_tls_client_auth. It is accepted until its notAfter.",
      "The file holds exactly one PEM certificate; only that certificate is sent, re-encoded, whatever else"
          + " the file holds (a private key in the file is refused and never sent)."})
  static final class Register extends ApiCommand {
    @Parameters(paramLabel = "IDENTITY_ID", description = "Identity id (nhi_...).")
    String identityId;

    @Option(names = "--cert-file", required = true, paramLabel = "FILE",
        description = "File holding the PEM certificate.")
    Path certFile;

    @Override
    protected int run() {
      if (PemFiles.holdsPrivateKey(certFile, "certificate file")) {
        throw CliFailure.usage("certificate file " + certFile + " also holds a private key: give a file with"
            + " the certificate only");
      }
      List<X509Certificate> certificates = PemFiles.readCertificates(certFile, "certificate file");
      if (certificates.size() != 1) {
        throw CliFailure.usage("certificate file " + certFile + " holds " + certificates.size()
            + " certificates; give exactly one");
      }
      ObjectNode body = Json.object();
      body.put("certificate_pem", PemFiles.pem(certificates));
      printer().resource(api().send(ApiRequest.post("identities", identityId, "self-signed-certificates")
          .body(body)).json());
      return ExitCodes.OK;
    }
  }
}

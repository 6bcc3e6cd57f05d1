package dev.bindery.cli.credential;

import dev.bindery.cli.ApiCommand;
import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.ClientGroup;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.http.ApiRequest;
import dev.bindery.cli.http.Json;
import dev.bindery.cli.output.Columns;
import dev.bindery.pki.RevocationReason;
import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bindery credential ...}: the credentials bound to identities (certificates, public keys, API keys),
 * never with a secret.
 */
@Command(name = "credential", description = "List, inspect and revoke the credentials of identities.",
    subcommands = {CredentialCommands.ListCredentials.class, CredentialCommands.Get.class,
        CredentialCommands.Revoke.class})
public final class CredentialCommands extends ClientGroup {
  private static final Pattern HEX_SERIAL = Pattern.compile("[0-9a-f]{1,64}");

  public CredentialCommands(ClientContext context) {
    super(context);
  }

  @Command(name = "list", description = "List an identity's credentials (GET /api/v1/identities/{id}/credentials).")
  static final class ListCredentials extends ApiCommand {
    @Parameters(paramLabel = "IDENTITY_ID", description = "Identity id (nhi_...).")
    String identityId;

    @Option(names = "--status", paramLabel = "STATUS",
        description = "Only credentials in this status: active, superseded, revoked or quarantined.")
    String status;

    @Override
    protected int run() {
      printer().list(api().send(ApiRequest.get("identities", identityId, "credentials").query("status", status))
          .json(), Columns.CREDENTIALS);
      return ExitCodes.OK;
    }
  }

  @Command(name = "get", description = "Show one credential (GET /api/v1/credentials/{id}).")
  static final class Get extends ApiCommand {
    @Parameters(paramLabel = "CRED_ID", description = "Credential id (cred_...).")
    String credentialId;

    @Override
    protected int run() {
      printer().resource(api().send(ApiRequest.get("credentials", credentialId)).json());
      return ExitCodes.OK;
    }
  }

  @Command(name = "revoke", description = {
      "Revoke a credential by id (POST /api/v1/credentials/{id}/revoke) or a certificate by serial number"
          + " (POST /api/v1/certificates/{serial}/revoke); owner, admin or security_officer.",
      "It is refused everywhere at once and, for a certificate, listed in the CRL and answered revoked by"
          + " OCSP."})
  static final class Revoke extends ApiCommand {
    @Parameters(arity = "0..1", paramLabel = "CRED_ID", description = "Credential id (cred_...).")
    String credentialId;

    @Option(names = "--serial", paramLabel = "HEX",
        description = "Certificate serial number in hex, as openssl prints it (colons allowed).")
    String serial;

    @Option(names = "--reason", required = true, paramLabel = "REASON",
        converter = RevocationReasonConverter.class,
        description = "RFC 5280 reason: unspecified, key_compromise, ca_compromise, affiliation_changed,"
            + " superseded, cessation_of_operation or privilege_withdrawn.")
    RevocationReason reason;

    @Override
    protected int run() {
      ApiRequest request;
      if (credentialId != null && serial == null) {
        request = ApiRequest.post("credentials", credentialId, "revoke");
      } else if (credentialId == null && serial != null) {
        request = ApiRequest.post("certificates", canonicalSerial(serial), "revoke");
      } else {
        throw CliFailure.usage("give a credential id CRED_ID or --serial HEX, not both");
      }
      printer().resource(api().send(request.body(Json.object().put("reason", reason.apiName()))).json());
      return ExitCodes.OK;
    }
  }

  /**
   * The serial as the API writes it: lowercase hex without leading zeros. openssl prints serials in upper
   * case, with colons ({@code -text}) and with a leading {@code 00} when the first bit is set.
   */
  static String canonicalSerial(String given) {
    String hex = given.trim().replace(":", "").toLowerCase(Locale.ROOT);
    if (hex.startsWith("serial=")) {
      hex = hex.substring("serial=".length());
    }
    if (!HEX_SERIAL.matcher(hex).matches()) {
      throw CliFailure.usage("--serial must be a hexadecimal certificate serial number, got: " + given);
    }
    BigInteger value = new BigInteger(hex, 16);
    if (value.signum() == 0 || value.bitLength() > 160) {
      throw CliFailure.usage("--serial must be a positive serial number of at most 20 octets, got: " + given);
    }
    return value.toString(16);
  }
}

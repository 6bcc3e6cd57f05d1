package dev.bindery.cli.credential;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.cli.ApiCommand;
import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.ClientGroup;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.TimeConverter;
import dev.bindery.cli.http.ApiRequest;
import dev.bindery.cli.http.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bindery public-key ...}: public keys (JWK) registered for an identity. */
@Command(name = "public-key", description = "Register public keys (JWK) for identities.",
    subcommands = PublicKeyCommands.Register.class)
public final class PublicKeyCommands extends ClientGroup {
  /** JWK members that hold private or secret key material (RFC 7518 section 6). */
  private static final List<String> PRIVATE_MEMBERS = List.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");
  private static final long MAX_JWK_BYTES = 64 * 1024;

  public PublicKeyCommands(ClientContext context) {
    super(context);
  }

  @Command(name = "register", description = {
      "Register a public key for an identity (POST /api/v1/identities/{id}/public-keys), for private_key_jwt"
          + " and DPoP.",
      "The file holds one public JWK. A JWK with private members (d, p, q, ...) is refused here and never"
          + " sent."})
  static final class Register extends ApiCommand {
    @Parameters(paramLabel = "IDENTITY_ID", description = "Identity id (nhi_...).")
    String identityId;

    @Option(names = "--jwk-file", required = true, paramLabel = "FILE", description = "File holding the JWK (JSON).")
    Path jwkFile;

    @Option(names = "--expires-at", required = true, paramLabel = "TIME", converter = TimeConverter.class,
        description = "When the key stops being accepted (RFC 3339, e.g. 2027-01-31T00:00:00Z).")
    Instant expiresAt;

    @Override
    protected int run() {
      ObjectNode body = Json.object();
      body.set("jwk", readPublicJwk(jwkFile));
      body.put("expires_at", TimeConverter.format(expiresAt));
      printer().resource(api().send(ApiRequest.post("identities", identityId, "public-keys").body(body)).json());
      return ExitCodes.OK;
    }
  }

  /** The one public JWK in {@code file}; a private key, a key set or anything but a JSON object is refused. */
  public static JsonNode readPublicJwk(Path file) {
    String text;
    try {
      if (Files.size(file) > MAX_JWK_BYTES) {
        throw CliFailure.usage("JWK file " + file + " is larger than " + MAX_JWK_BYTES + " bytes");
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw CliFailure.usage("cannot read JWK file " + file + ": " + CliFailure.reason(e));
    }
    JsonNode jwk;
    try {
      jwk = Json.parse(text);
    } catch (IllegalArgumentException e) {
      throw CliFailure.usage("JWK file " + file + " is not JSON");
    }
    if (!jwk.isObject()) {
      throw CliFailure.usage("JWK file " + file + " does not hold a JSON object");
    }
    if (jwk.has("keys")) {
      throw CliFailure.usage("JWK file " + file + " holds a JWK set; give a file with one key");
    }
    for (String member : PRIVATE_MEMBERS) {
      if (jwk.has(member)) {
        throw CliFailure.usage("JWK file " + file + " holds a private key (member \"" + member + "\");"
            + " register only the public key, and keep the private one where it is");
      }
    }
    if (!jwk.path("kty").isTextual()) {
      throw CliFailure.usage("JWK file " + file + " is not a JWK: it has no \"kty\"");
    }
    return jwk;
  }
}

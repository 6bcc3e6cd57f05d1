package dev.bindery.cli.rebind;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.change.ChangeRequest;
import dev.bindery.cli.ApiCommand;
import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.ClientGroup;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.PageOptions;
import dev.bindery.cli.TimeConverter;
import dev.bindery.cli.credential.PublicKeyCommands;
import dev.bindery.cli.http.ApiRequest;
import dev.bindery.cli.http.ContractViolation;
import dev.bindery.cli.http.Json;
import dev.bindery.cli.pem.PemFiles;
import dev.bindery.cli.workload.IssuedCertificate;
import dev.bindery.cli.workload.KeyType;
import dev.bindery.cli.workload.PendingFile;
import dev.bindery.cli.workload.WorkloadKey;
import dev.bindery.credential.CredentialKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bindery rebind ...}: re-binding an identity to a new key through a change request
 * ({@code /api/v1/change-requests}, docs/rebinding.md): request, continuity challenge and proof, approvals,
 * rejection, cancellation, apply, and reading. Private keys are used in this process only: {@code prove} signs the
 * challenge here, and {@code request --new-key-out} generates the new key here and sends only its CSR.
 */
@Command(name = "rebind", description = {
    "Re-bind an identity to a new key or certificate through a change request (rotate, recover, migrate).",
    "The identity keeps its id, owners, scopes and history; the old credentials are revoked when the"
        + " approved request is applied."},
    subcommands = {RebindCommands.Request.class, RebindCommands.Challenge.class, RebindCommands.Prove.class,
        RebindCommands.Approve.class, RebindCommands.Reject.class, RebindCommands.Cancel.class,
        RebindCommands.Apply.class, RebindCommands.Show.class, RebindCommands.ListRequests.class})
public final class RebindCommands extends ClientGroup {
  private static final long MAX_PEM_BYTES = 64 * 1024;

  public RebindCommands(ClientContext context) {
    super(context);
  }

  @Command(name = "request", sortOptions = false, description = {
      "Request the re-binding of an identity (POST /api/v1/change-requests).",
      "The new credential is exactly one of: a CSR made elsewhere (--csr, for example by a hardware token),"
          + " a key generated here (--new-key-out: written owner-only, only its CSR is sent), or a public JWK"
          + " (--jwk-file with --expires-at). --attestation adds the key's hardware attestation chain.",
      "What the request still needs (a continuity proof, approvals) is in the answer's 'missing'."})
  static final class Request extends ApiCommand {
    @Option(names = "--type", required = true, paramLabel = "TYPE",
        description = "rotate (the holder proves the current key), recover (it is lost or compromised) or"
            + " migrate (a new runtime or device).")
    String type;

    @Option(names = "--target", required = true, paramLabel = "IDENTITY_ID", description = "The identity.")
    String target;

    @Option(names = "--reason", required = true, description = "Why; approvers see it.")
    String reason;

    @Option(names = "--replaces", required = true, paramLabel = "CREDENTIAL_ID",
        description = "A current credential revoked when the request is applied; repeat for several.")
    List<String> replaces;

    @Option(names = "--csr", paramLabel = "FILE", description = "PEM PKCS#10 request for the new certificate.")
    Path csr;

    @Option(names = "--new-key-out", paramLabel = "FILE",
        description = "Generate the new key here and write it to FILE (PKCS#8 PEM, owner-only).")
    Path newKeyOut;

    @Option(names = "--key-type", paramLabel = "TYPE", converter = KeyType.Converter.class,
        completionCandidates = KeyType.Names.class,
        description = "With --new-key-out: ${COMPLETION-CANDIDATES} (default ec-p256).")
    KeyType keyType;

    @Option(names = "--jwk-file", paramLabel = "FILE", description = "A public JWK to register instead.")
    Path jwkFile;

    @Option(names = "--expires-at", paramLabel = "TIME", converter = TimeConverter.class,
        description = "With --jwk-file: when the key stops being accepted (RFC 3339).")
    Instant expiresAt;

    @Option(names = "--attestation", paramLabel = "FILE",
        description = "PEM attestation chain of the new key, attestation certificate first (hardware-held keys).")
    Path attestation;

    @Option(names = "--downgrade",
        description = "Bind a credential weaker than the identity's assurance level (needs extra approvals).")
    boolean downgrade;

    @Option(names = "--force", description = "With --new-key-out: replace FILE if it exists.")
    boolean force;

    @Override
    protected int run() {
      if (Stream.of(csr, newKeyOut, jwkFile).filter(Objects::nonNull).count() != 1) {
        throw CliFailure.usage("give exactly one new credential: --csr, --new-key-out or --jwk-file");
      }
      if ((jwkFile == null) != (expiresAt == null)) {
        throw CliFailure.usage("--expires-at goes with --jwk-file, and --jwk-file needs it");
      }
      if (keyType != null && newKeyOut == null) {
        throw CliFailure.usage("--key-type goes with --new-key-out");
      }
      ObjectNode body = Json.object();
      body.put("type", type);
      body.put("target", target);
      body.put("reason", reason);
      replaces.forEach(body.putArray("replaces")::add);
      if (downgrade) {
        body.put("downgrade", true);
      }
      if (attestation != null) {
        body.put("attestation", readPem(attestation, "--attestation", "CERTIFICATE"));
      }
      if (csr != null) {
        body.put("csr", readPem(csr, "--csr", "CERTIFICATE REQUEST"));
      } else if (jwkFile != null) {
        body.set("jwk", PublicKeyCommands.readPublicJwk(jwkFile));
        body.put("expires_at", TimeConverter.format(expiresAt));
      }
      if (newKeyOut == null) {
        printer().resource(api().send(ApiRequest.post("change-requests").body(body)).json(), ChangeRequestOutput.LINES);
        return ExitCodes.OK;
      }
      try (PendingFile keyFile = PendingFile.prepare(newKeyOut, "--new-key-out", true, force)) {
        WorkloadKey key = WorkloadKey.generate(keyType == null ? KeyType.EC_P256 : keyType);
        byte[] pkcs8 = key.pkcs8Pem();
        try {
          keyFile.write(pkcs8);
        } catch (IOException e) {
          throw new CliFailure(ExitCodes.NOT_SAVED, "cannot write --new-key-out " + newKeyOut + ": "
              + CliFailure.reason(e) + "; nothing was requested");
        } finally {
          Arrays.fill(pkcs8, (byte) 0);
        }
        body.put("csr", key.csrPem());
        JsonNode answer = api().send(ApiRequest.post("change-requests").body(body)).json();
        try {
          keyFile.commit();
        } catch (IOException e) {
          throw new CliFailure(ExitCodes.NOT_SAVED, "change request " + answer.path("id").asText() + " was made,"
              + " but the new key could not be put in " + newKeyOut + ": " + CliFailure.reason(e)
              + ". Cancel it (bindery rebind cancel) and request again.");
        }
        printer().resource(answer, ChangeRequestOutput.LINES);
        printer().note("the new private key in " + newKeyOut + " was generated here and never sent; keep it"
            + " owner-only");
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "challenge", description = {
      "Ask for a single-use continuity challenge (POST /api/v1/change-requests/{id}/challenges).",
      "Sign it with a current credential's key: 'bindery rebind prove ID --challenge FILE' with this command's"
          + " '-o json' output in FILE (or let 'prove' ask for one itself)."})
  static final class Challenge extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "Change request id (chg_...).")
    String id;

    @Override
    protected int run() {
      printer().resource(api().send(ApiRequest.post("change-requests", id, "challenges").body(Json.object()))
          .json());
      return ExitCodes.OK;
    }
  }

  @Command(name = "prove", sortOptions = false, description = {
      "Prove continuity: sign the request's challenge with the private key of a current credential of the"
          + " identity, here, and submit the proof (POST /api/v1/change-requests/{id}/continuity).",
      "The proof is a JWS (typ bindery-continuity+jwt) over the challenge's nonce and the request's digest,"
          + " which is checked here against the request as the server shows it before anything is signed."
          + " The private key never leaves this process."})
  static final class Prove extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "Change request id (chg_...).")
    String id;

    @Option(names = "--key", required = true, paramLabel = "FILE",
        description = "The current credential's private key (PEM; PKCS#8, SEC1 or PKCS#1, unencrypted).")
    Path keyFile;

    @Option(names = "--cert", paramLabel = "FILE",
        description = "The current certificate (PEM): the proof names it by its x5t#S256.")
    Path certFile;

    @Option(names = "--credential", paramLabel = "CREDENTIAL_ID",
        description = "Or the current credential by id (a registered public key): named by its thumbprint.")
    String credential;

    @Option(names = "--challenge", paramLabel = "FILE",
        description = "The challenge, as 'rebind challenge -o json' printed it; without it one is asked for.")
    Path challengeFile;

    @Override
    protected int run() {
      if ((certFile == null) == (credential == null)) {
        throw CliFailure.usage("name the signing credential with --cert FILE or --credential ID");
      }
      PrivateKey key = PemFiles.readPrivateKey(keyFile);
      JsonNode request = api().send(ApiRequest.get("change-requests", id)).json();
      String kid = certFile != null ? certificateKid(key) : credentialKid(request);
      JsonNode challenge = challengeFile != null ? readChallenge() : api().send(
          ApiRequest.post("change-requests", id, "challenges").body(Json.object())).json();
      JsonNode input = challenge.path("signing_input");
      String digest = digestOf(request);
      if (!id.equals(input.path("chg").asText()) || !digest.equals(input.path("req").asText())
          || !input.path("nonce").isTextual() || !challenge.path("challenge_id").isTextual()) {
        throw new ContractViolation("the challenge does not describe change request " + id + " as the server shows"
            + " it (its chg or req differs); nothing was signed");
      }
      printer().note("signing for " + id + ": " + request.path("type").asText() + " of "
          + request.path("target").asText() + " to key " + request.at("/proposed/key_thumbprint").asText()
          + ", replacing " + String.join(", ", texts(request.path("replaces"))));
      String proof = ContinuityProofSigner.sign(key, kid, id, input.path("nonce").asText(), digest, Instant.now());
      ObjectNode body = Json.object();
      body.put("challenge_id", challenge.path("challenge_id").asText());
      body.put("proof", proof);
      printer().resource(api().send(ApiRequest.post("change-requests", id, "continuity").body(body)).json(),
          ChangeRequestOutput.LINES);
      return ExitCodes.OK;
    }

    private String certificateKid(PrivateKey key) {
      X509Certificate certificate = PemFiles.readCertificates(certFile, "certificate file").get(0);
      if (WorkloadKey.pairedOrNull(key, certificate.getPublicKey()) == null) {
        throw CliFailure.usage("key file " + keyFile + " does not hold the private key of the first certificate"
            + " in " + certFile);
      }
      return CredentialKeys.x5tS256(certificate).value();
    }

    private String credentialKid(JsonNode request) {
      JsonNode c = api().send(ApiRequest.get("credentials", credential)).json();
      if (!c.path("identity_id").asText().equals(request.path("target").asText())) {
        throw CliFailure.usage("credential " + credential + " belongs to " + c.path("identity_id").asText()
            + ", not to the request's identity " + request.path("target").asText());
      }
      if (!c.path("thumbprint").isTextual()) {
        throw CliFailure.usage("credential " + credential + " has no key (an API key cannot prove continuity)");
      }
      return c.path("thumbprint").asText();
    }

    private JsonNode readChallenge() {
      try {
        if (Files.size(challengeFile) > MAX_PEM_BYTES) {
          throw CliFailure.usage("challenge file " + challengeFile + " is larger than " + MAX_PEM_BYTES + " bytes");
        }
        JsonNode challenge = Json.parse(Files.readString(challengeFile, StandardCharsets.UTF_8));
        if (!challenge.isObject()) {
          throw CliFailure.usage("challenge file " + challengeFile + " does not hold a JSON object");
        }
        return challenge;
      } catch (IOException e) {
        throw CliFailure.usage("cannot read challenge file " + challengeFile + ": " + CliFailure.reason(e));
      } catch (IllegalArgumentException e) {
        throw CliFailure.usage("challenge file " + challengeFile + " is not JSON (use 'rebind challenge -o json')");
      }
    }
  }

  @Command(name = "approve", description = {
      "Approve a request in a role it needs (POST /api/v1/change-requests/{id}/approvals).",
      "Needs a fresh TOTP step-up ('bindery operator step-up'); the requester never approves their own request."})
  static final class Approve extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "Change request id (chg_...).")
    String id;

    @Option(names = "--role", required = true, paramLabel = "ROLE",
        description = "owner (a member of the owning team), security_officer or supervisor.")
    String role;

    @Option(names = "--comment", description = "Kept with the approval.")
    String comment;

    @Override
    protected int run() {
      ObjectNode body = Json.object();
      body.put("role", role);
      if (comment != null) {
        body.put("comment", comment);
      }
      printer().resource(api().send(ApiRequest.post("change-requests", id, "approvals").body(body)).json(),
          ChangeRequestOutput.LINES);
      return ExitCodes.OK;
    }
  }

  @Command(name = "reject", description = "Reject an open request (POST /api/v1/change-requests/{id}/reject).")
  static final class Reject extends Resolve {
    @Override
    protected int run() {
      return resolve("reject");
    }
  }

  @Command(name = "cancel", description = "Cancel an open request (POST /api/v1/change-requests/{id}/cancel).")
  static final class Cancel extends Resolve {
    @Override
    protected int run() {
      return resolve("cancel");
    }
  }

  /** Reject or cancel: a terminal state, with an optional comment. */
  abstract static class Resolve extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "Change request id (chg_...).")
    String id;

    @Option(names = "--comment", description = "Why; kept in the audit log.")
    String comment;

    protected int resolve(String action) {
      ObjectNode body = Json.object();
      if (comment != null) {
        body.put("comment", comment);
      }
      printer().resource(api().send(ApiRequest.post("change-requests", id, action).body(body)).json(),
          ChangeRequestOutput.LINES);
      return ExitCodes.OK;
    }
  }

  @Command(name = "apply", sortOptions = false, description = {
      "Apply an approved request (POST /api/v1/change-requests/{id}/apply): the old credentials are revoked,"
          + " then the new one is bound, in one transaction.",
      "A new certificate is shown only in this answer: --cert-out writes it (with its chain unless"
          + " --chain-out), after checking it certifies the requested key."})
  static final class Apply extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "Change request id (chg_...).")
    String id;

    @Option(names = "--cert-out", paramLabel = "FILE", description = "Where to write the new certificate (PEM).")
    Path certOut;

    @Option(names = "--chain-out", paramLabel = "FILE",
        description = "Where to write the CA chain; without it the chain goes into --cert-out.")
    Path chainOut;

    @Option(names = "--force", description = "Replace the output files if they exist.")
    boolean force;

    @Override
    protected int run() {
      if (chainOut != null && certOut == null) {
        throw CliFailure.usage("--chain-out goes with --cert-out");
      }
      if (certOut != null && certOut.toAbsolutePath().normalize().equals(
          chainOut == null ? null : chainOut.toAbsolutePath().normalize())) {
        throw CliFailure.usage("the same file " + certOut + " is given for two outputs");
      }
      JsonNode request = api().send(ApiRequest.get("change-requests", id)).json();
      boolean certificate = "x509_svid".equals(request.at("/proposed/type").asText());
      if (certificate && certOut == null && !printer().isJson()) {
        throw CliFailure.usage("change request " + id + " issues a certificate, shown only in the answer: give"
            + " --cert-out FILE (or -o json)");
      }
      if (!certificate && certOut != null) {
        throw CliFailure.usage("change request " + id + " registers a public key: there is no certificate to write");
      }
      String thumbprint = request.at("/proposed/key_thumbprint").asText();
      List<PendingFile> files = new ArrayList<>();
      try {
        if (certOut != null) {
          files.add(PendingFile.prepare(certOut, "--cert-out", false, force));
          if (chainOut != null) {
            files.add(PendingFile.prepare(chainOut, "--chain-out", false, force));
          }
        }
        JsonNode answer = api().send(ApiRequest.post("change-requests", id, "apply").body(Json.object())).json();
        if (!files.isEmpty()) {
          IssuedCertificate issued = IssuedCertificate.check(answer, key -> thumbprint.equals(jkt(key)));
          save(files, issued);
        }
        if (printer().isJson()) {
          printer().resource(answer);
        } else {
          ObjectNode summary = Json.object();
          summary.set("change_request", answer.at("/change_request/id"));
          summary.set("state", answer.at("/change_request/state"));
          summary.set("credential_id", answer.at("/credential/id"));
          summary.set("type", answer.at("/credential/type"));
          summary.set("not_after", answer.at("/credential/not_after"));
          summary.set("revoked", answer.path("revoked"));
          if (certOut != null) {
            summary.put("certificate_file", certOut.toString());
            summary.put("chain_file", chainOut == null ? "(in certificate_file)" : chainOut.toString());
          }
          printer().resource(summary);
        }
        return ExitCodes.OK;
      } finally {
        files.forEach(PendingFile::close);
      }
    }

    private void save(List<PendingFile> files, IssuedCertificate issued) {
      List<byte[]> contents = new ArrayList<>();
      if (files.size() == 1) {
        contents.add(PemFiles.pem(issued.fullChain()).getBytes(StandardCharsets.US_ASCII));
      } else {
        contents.add(PemFiles.pem(List.of(issued.leaf())).getBytes(StandardCharsets.US_ASCII));
        contents.add(PemFiles.pem(issued.chain()).getBytes(StandardCharsets.US_ASCII));
      }
      List<String> written = new ArrayList<>();
      try {
        for (int i = 0; i < files.size(); i++) {
          files.get(i).write(contents.get(i));
        }
        for (PendingFile file : files) {
          file.commit();
          written.add(file.target().toString());
        }
      } catch (IOException e) {
        throw new CliFailure(ExitCodes.NOT_SAVED, "change request " + id + " was applied, but writing the"
            + " certificate failed: " + CliFailure.reason(e) + "; written: "
            + (written.isEmpty() ? "nothing" : String.join(", ", written))
            + ". The certificate is in no other answer: free the disk or fix the permissions, then request a"
            + " rotation of the new credential.");
      }
    }
  }

  @Command(name = "show", description = "Show a change request and what it still needs"
      + " (GET /api/v1/change-requests/{id}).")
  static final class Show extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "Change request id (chg_...).")
    String id;

    @Override
    protected int run() {
      printer().resource(api().send(ApiRequest.get("change-requests", id)).json(), ChangeRequestOutput.LINES);
      return ExitCodes.OK;
    }
  }

  @Command(name = "list", description = "List change requests, in id order (GET /api/v1/change-requests).")
  static final class ListRequests extends ApiCommand {
    @Option(names = "--target", paramLabel = "IDENTITY_ID", description = "Only requests for this identity.")
    String target;

    @Option(names = "--state", description = "pending, approved, applied, rejected, expired or cancelled.")
    String state;

    @Option(names = "--type", description = "rotate, recover or migrate.")
    String type;

    @Mixin PageOptions page;

    @Override
    protected int run() {
      ApiRequest request = ApiRequest.get("change-requests").query("target", target).query("state", state)
          .query("type", type);
      printer().list(api().send(page.applyTo(request)).json(), ChangeRequestOutput.LIST);
      return ExitCodes.OK;
    }
  }

  /** The request digest a proof signs, from the request as the server shows it (docs/rebinding.md). */
  static String digestOf(JsonNode request) {
    return ChangeRequest.digest(request.path("id").asText(), request.path("type").asText(),
        request.path("target").asText(), request.at("/proposed/key_thumbprint").asText(),
        texts(request.path("replaces")));
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }

  /** The RFC 7638 thumbprint of a public key, or null for a key Bindery does not bind. */
  private static String jkt(PublicKey key) {
    try {
      return CredentialKeys.jwkThumbprint(key, "certificate").value();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** A PEM file's text, bounded, holding at least one block of {@code type} and no private key. */
  private static String readPem(Path file, String option, String type) {
    if (PemFiles.holdsPrivateKey(file, option)) {
      throw CliFailure.usage(option + " " + file + " holds a private key; it is never sent");
    }
    String text;
    try {
      if (Files.size(file) > MAX_PEM_BYTES) {
        throw CliFailure.usage(option + " " + file + " is larger than " + MAX_PEM_BYTES + " bytes");
      }
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw CliFailure.usage("cannot read " + option + " " + file + ": " + CliFailure.reason(e));
    }
    if (!text.contains("-----BEGIN " + type + "-----")) {
      throw CliFailure.usage(option + " " + file + " holds no PEM " + type);
    }
    return text;
  }
}

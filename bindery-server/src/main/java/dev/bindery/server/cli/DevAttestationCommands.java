package dev.bindery.server.cli;

import dev.bindery.common.RejectedException;
import dev.bindery.credential.CredentialKeys;
import dev.bindery.pki.Pem;
import dev.bindery.server.bootstrap.DevAttestationRoot;
import dev.bindery.server.files.SecureFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import javax.security.auth.x500.X500Principal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bindery dev attestation-root} and {@code bindery dev attest}: a development and test only hardware vendor
 * ({@link DevAttestationRoot}), so that a re-binding at assurance level 3 can be shown end to end on a machine
 * without a YubiKey. They touch only local files; no server reads the root's private key, and no server trusts the
 * root unless its certificate file is configured.
 *
 * <p>Exit codes: {@code 0} written; {@code 2} refused (an output file exists, an input file is missing, not owner-only
 * or not what it should be), nothing written; {@code 1} a failure while writing.
 */
final class DevAttestationCommands {
  static final int EXIT_REFUSED = 2;
  static final int EXIT_FAILURE = 1;
  static final String NOT_HARDWARE = "DEVELOPMENT AND TESTS ONLY: keys attested under this root are not "
      + "hardware-held; never configure it on a server that binds real identities";

  private DevAttestationCommands() {}

  @Command(name = "attestation-root", mixinStandardHelpOptions = true,
      description = {"Make a development-only hardware attestation root (YubiKey PIV shaped) in DIR; keys attested"
          + " under it are NOT hardware-held. It writes:",
          "  " + DevAttestationRoot.CERTIFICATE_FILE + " (0644) the root certificate, to trust with"
              + " 'bindery dev --attestation-roots FILE';",
          "  " + DevAttestationRoot.KEY_FILE + " (0600) its private key, read only by 'bindery dev attest'.",
          "DIR is created owner-only (0700) if absent."})
  static final class AttestationRoot implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "directory to write the root into")
    Path out;

    @Option(names = "--days", paramLabel = "N", defaultValue = "365",
        description = "days the root stays valid (default: ${DEFAULT-VALUE}; at most 3650)")
    int days;

    @Option(names = "--force", description = "replace a root already in DIR (chains issued under it stop verifying)")
    boolean force;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
      PrintWriter stdout = spec.commandLine().getOut();
      PrintWriter stderr = spec.commandLine().getErr();
      if (days < 1 || days > 3650) {
        stderr.println("bindery: --days must be between 1 and 3650");
        return EXIT_REFUSED;
      }
      if (Files.exists(out) && !Files.isDirectory(out)) {
        stderr.println("bindery: " + out + " exists and is not a directory");
        return EXIT_REFUSED;
      }
      DevAttestationRoot root;
      try {
        root = DevAttestationRoot.create(out, clock.instant(), Duration.ofDays(days), force);
      } catch (IllegalStateException e) {
        stderr.println("bindery: " + e.getMessage());
        return EXIT_REFUSED;
      } catch (IOException e) {
        stderr.println("bindery: cannot write the root into " + out + ": " + e.getMessage());
        return EXIT_FAILURE;
      }
      X509Certificate certificate = root.certificate();
      stdout.println("development attestation root written to " + out);
      stdout.println("  certificate:  " + out.resolve(DevAttestationRoot.CERTIFICATE_FILE) + " (0644)");
      stdout.println("  private key:  " + out.resolve(DevAttestationRoot.KEY_FILE) + " (0600)");
      stdout.println("  subject:      " + certificate.getSubjectX500Principal().getName(X500Principal.RFC2253));
      stdout.println("  valid until:  " + certificate.getNotAfter().toInstant());
      stdout.println("trust it:  bindery dev --attestation-roots " + out.resolve(DevAttestationRoot.CERTIFICATE_FILE));
      stdout.println("attest a key:  bindery dev attest --root " + out + " --key KEY.pem --out CHAIN.pem");
      stderr.println("warning: " + NOT_HARDWARE);
      return 0;
    }
  }

  @Command(name = "attest", mixinStandardHelpOptions = true,
      description = {"Issue a development-only attestation chain (YubiKey PIV shaped, slot 9a) for a key you hold,"
          + " under the root in DIR made by 'bindery dev attestation-root'.",
          "KEY is a PEM public key, certificate signing request or unencrypted private key (only its public half"
              + " is used). The chain (attestation certificate, then the simulated device's certificate) is written"
              + " 0644 to --out; pass it with 'bindery rebind request --attestation'."})
  static final class Attest implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--root", paramLabel = "DIR", required = true, description = "directory of the development root")
    Path root;

    @Option(names = "--key", paramLabel = "KEY", required = true,
        description = "the key to attest: PEM public key, CSR or private key")
    Path key;

    @Option(names = "--out", paramLabel = "CHAIN", required = true, description = "file to write the chain to")
    Path out;

    @Option(names = "--force", description = "replace --out if it exists")
    boolean force;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
      PrintWriter stdout = spec.commandLine().getOut();
      PrintWriter stderr = spec.commandLine().getErr();
      if (Files.exists(out) && !force) {
        stderr.println("bindery: " + out + " exists (use --force to replace it)");
        return EXIT_REFUSED;
      }
      DevAttestationRoot.Attestation chain;
      String thumbprint;
      try {
        DevAttestationRoot vendor = DevAttestationRoot.load(root);
        PublicKey attested = DevAttestationRoot.readPublicKey(key);
        // a key Bindery would not bind is refused here, not after a chain was written for it
        thumbprint = CredentialKeys.jwkThumbprint(attested, "key").value();
        chain = vendor.attest(attested, clock.instant());
      } catch (RejectedException e) {
        stderr.println("bindery: " + key + " holds a key Bindery does not bind: " + e.getMessage());
        return EXIT_REFUSED;
      } catch (IllegalStateException e) {
        stderr.println("bindery: " + e.getMessage());
        return EXIT_REFUSED;
      } catch (IOException e) {
        stderr.println("bindery: cannot read " + e.getMessage());
        return EXIT_REFUSED;
      }
      try {
        SecureFiles.writeAtomically(out, Pem.certificates(chain.certificates()).getBytes(StandardCharsets.US_ASCII),
            false);
      } catch (IOException e) {
        stderr.println("bindery: cannot write " + out + ": " + e.getMessage());
        return EXIT_FAILURE;
      }
      stdout.println("attestation chain written to " + out + " (0644): the YubiKey PIV attestation of slot 9a and the"
          + " F9 certificate of a simulated YubiKey, serial " + chain.serial());
      stdout.println("  attested key:  " + thumbprint
          + " (RFC 7638 thumbprint, as a change request's proposed.key_thumbprint)");
      stderr.println("warning: " + NOT_HARDWARE);
      return 0;
    }
  }
}

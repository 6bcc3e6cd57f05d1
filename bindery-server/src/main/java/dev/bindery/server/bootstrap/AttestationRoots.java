package dev.bindery.server.bootstrap;

import dev.bindery.pki.KeyAttestationVerifier;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.server.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the hardware attestation vendor roots named by {@code bindery.attestation.roots} at start and builds the
 * {@link KeyAttestationVerifier} that decides whether a new credential's key is hardware-held. A directory
 * contributes its {@code .pem}, {@code .crt} and {@code .cer} files (not its subdirectories), in name order.
 * Every root must be a CA certificate valid at start; any problem (an unreadable or non-PEM file, a directory
 * without certificate files, a root that is not a CA, expired or not yet valid) fails the start with a message
 * naming the key and the file. With no roots configured, the verifier attests nothing. Nothing is trusted that is
 * not configured; a development root ({@link DevAttestationRoot}) is loaded when configured, with a warning.
 */
public final class AttestationRoots {
  private static final Logger LOG = LoggerFactory.getLogger(AttestationRoots.class);
  private static final List<String> EXTENSIONS = List.of(".pem", ".crt", ".cer");
  /** Root files are small; a larger file is a mistake (the wrong file), not a bundle. */
  static final long MAX_FILE_BYTES = 1024 * 1024;

  private AttestationRoots() {}

  /** @throws ConfigException naming {@value BinderyConfig#ATTESTATION_ROOTS} and the offending file */
  public static KeyAttestationVerifier load(BinderyConfig config, Clock clock) {
    List<X509Certificate> roots = new ArrayList<>();
    for (Path configured : config.attestationRoots()) {
      for (Path file : files(configured)) {
        roots.addAll(read(file, clock.instant()));
      }
    }
    KeyAttestationVerifier verifier;
    try {
      verifier = new KeyAttestationVerifier(roots, clock);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(BinderyConfig.ATTESTATION_ROOTS + ": " + e.getMessage(), e);
    }
    if (verifier.roots().isEmpty()) {
      LOG.info("event=attestation_roots_loaded count=0 note=no_key_is_attested_as_hardware_held");
    } else {
      for (X509Certificate root : verifier.roots()) {
        String subject = root.getSubjectX500Principal().getName(X500Principal.RFC2253);
        if (DevAttestationRoot.isDevelopmentRoot(root)) {
          LOG.warn("event=attestation_root_loaded subject=\"{}\" not_after={} development_only=true "
              + "warning=\"keys attested under this root are not hardware-held; never trust it where real "
              + "identities are bound\"", subject, root.getNotAfter().toInstant());
        } else {
          LOG.info("event=attestation_root_loaded subject=\"{}\" not_after={}", subject,
              root.getNotAfter().toInstant());
        }
      }
    }
    return verifier;
  }

  private static List<Path> files(Path configured) {
    if (!Files.isDirectory(configured)) {
      return List.of(configured);
    }
    try (Stream<Path> entries = Files.list(configured)) {
      List<Path> files = entries.filter(Files::isRegularFile)
          .filter(p -> EXTENSIONS.stream().anyMatch(x -> p.getFileName().toString().toLowerCase(Locale.ROOT)
              .endsWith(x)))
          .sorted().toList();
      if (files.isEmpty()) {
        throw new ConfigException(BinderyConfig.ATTESTATION_ROOTS + ": directory " + configured
            + " holds no .pem, .crt or .cer file");
      }
      return files;
    } catch (IOException e) {
      throw new ConfigException(BinderyConfig.ATTESTATION_ROOTS + ": cannot list " + configured + ": "
          + e.getMessage(), e);
    }
  }

  private static List<X509Certificate> read(Path file, Instant now) {
    List<X509Certificate> roots;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new ConfigException(BinderyConfig.ATTESTATION_ROOTS + ": " + file + " is larger than "
            + MAX_FILE_BYTES + " bytes; it is not a root certificate file");
      }
      roots = KeyAttestationVerifier.parseRoots(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new ConfigException(BinderyConfig.ATTESTATION_ROOTS + ": cannot read " + file + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(BinderyConfig.ATTESTATION_ROOTS + ": " + file + ": " + e.getMessage(), e);
    }
    for (X509Certificate root : roots) {
      String name = root.getSubjectX500Principal().getName(X500Principal.RFC2253);
      if (root.getBasicConstraints() < 0) {
        throw new ConfigException(BinderyConfig.ATTESTATION_ROOTS + ": " + file + ": '" + name
            + "' is not a ca certificate (basicConstraints cA=true)");
      }
      if (now.isAfter(root.getNotAfter().toInstant())) {
        throw new ConfigException(BinderyConfig.ATTESTATION_ROOTS + ": " + file + ": root '" + name
            + "' expired at " + root.getNotAfter().toInstant());
      }
      if (now.isBefore(root.getNotBefore().toInstant())) {
        throw new ConfigException(BinderyConfig.ATTESTATION_ROOTS + ": " + file + ": root '" + name
            + "' is not valid before " + root.getNotBefore().toInstant());
      }
    }
    return roots;
  }
}

package dev.bindery.cli.workload;

import dev.bindery.cli.failure.CliFailure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * An output file of {@code enroll} or {@code renew}, written in two steps so that nothing is half-written:
 * {@link #prepare} (before anything is sent to the server) checks the target and creates a temporary file
 * beside it, with its final permissions from creation; {@link #write} fills and flushes it; {@link #commit}
 * puts it in place atomically — with a rename when replacing is allowed, else with a hard link that fails if
 * the target appeared meanwhile. {@link #close} removes the temporary file if it was not committed.
 *
 * <p>A private key is created {@code rw-------} (never readable by others, not even for an instant, and never
 * chmod-ed after writing); a new certificate file is {@code rw-r--r--}, a replaced one keeps its permissions.
 */
public final class PendingFile implements AutoCloseable {
  static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> PUBLIC_READ = PosixFilePermissions.fromString("rw-r--r--");

  private final Path target;
  private final boolean ownerOnly;
  private final boolean replace;
  private Path temporary;

  private PendingFile(Path target, boolean ownerOnly, boolean replace, Path temporary) {
    this.target = target;
    this.ownerOnly = ownerOnly;
    this.replace = replace;
    this.temporary = temporary;
  }

  /**
   * Checks that {@code target} may be written and creates its temporary file.
   *
   * @param option the option that named the file, for messages
   * @param ownerOnly true for a private key
   * @param replace true to replace an existing file; false refuses one (a usage error naming --force)
   */
  public static PendingFile prepare(Path target, String option, boolean ownerOnly, boolean replace) {
    Path absolute = target.toAbsolutePath().normalize();
    if (Files.isDirectory(absolute)) {
      throw CliFailure.usage(option + " " + target + " is a directory");
    }
    if (!replace && Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
      throw CliFailure.usage(option + " " + target + " exists; give --force to replace it");
    }
    Path directory = absolute.getParent();
    if (directory == null || !Files.isDirectory(directory)) {
      throw CliFailure.usage(option + " " + target + ": directory " + directory + " does not exist");
    }
    FileAttribute<?>[] attributes = posix()
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
        : new FileAttribute<?>[0];
    try {
      Path temporary = Files.createTempFile(directory, "." + absolute.getFileName(), ".tmp", attributes);
      return new PendingFile(absolute, ownerOnly, replace, temporary);
    } catch (IOException e) {
      throw CliFailure.usage("cannot write " + option + " " + target + ": " + CliFailure.reason(e));
    }
  }

  public Path target() {
    return target;
  }

  /** Writes and flushes the whole content to the temporary file. */
  public void write(byte[] content) throws IOException {
    try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    if (!ownerOnly && posix()) {
      // a certificate is public: readable by all, unless the file it replaces was made stricter
      Files.setPosixFilePermissions(temporary, Files.exists(target)
          ? Files.getPosixFilePermissions(target) : PUBLIC_READ);
    }
  }

  /** Puts the written file in place, atomically. */
  public void commit() throws IOException {
    if (replace) {
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } else {
      linkWithoutReplacing();
    }
    temporary = null;
  }

  private void linkWithoutReplacing() throws IOException {
    try {
      Files.createLink(target, temporary); // atomic, and fails if the target exists
    } catch (FileAlreadyExistsException e) {
      throw new FileAlreadyExistsException(target + " appeared while the certificate was issued;"
          + " it was not replaced");
    } catch (UnsupportedOperationException | IOException e) {
      // a file system without hard links: a plain move, which still refuses an existing target
      Files.move(temporary, target);
      temporary = null;
      return;
    }
    Files.delete(temporary);
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  @Override
  public void close() {
    if (temporary != null) {
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException e) {
        // nothing more to do: it is owner-only, and its name says it is a leftover
      }
      temporary = null;
    }
  }
}

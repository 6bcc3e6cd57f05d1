package dev.bindery.server.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files that hold secrets. The content goes to a temporary file in the same directory that is created
 * with its final permissions (so the secret is never readable by others, not even for an instant), is flushed
 * to disk, and is then renamed over the target atomically: a reader sees the old file or the whole new one.
 */
public final class SecureFiles {
  public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> PUBLIC_READ = PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

  private SecureFiles() {}

  public static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /** Creates a directory (and parents) that only the owner can enter, if it does not exist. */
  public static void ensureDirectory(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath();
    if (Files.isDirectory(abs)) {
      return;
    }
    if (posix()) {
      Files.createDirectories(abs, PosixFilePermissions.asFileAttribute(OWNER_DIR));
    } else {
      Files.createDirectories(abs);
    }
  }

  public static void writeAtomically(Path target, byte[] content, boolean ownerOnly) throws IOException {
    Path abs = target.toAbsolutePath();
    ensureDirectory(abs.getParent());
    FileAttribute<?>[] attrs = posix()
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(ownerOnly ? OWNER_ONLY : PUBLIC_READ)}
        : new FileAttribute<?>[0];
    Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp", attrs);
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      if (posix() && !ownerOnly) {
        Files.setPosixFilePermissions(tmp, PUBLIC_READ); // createTempFile attributes are subject to the umask
      }
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** True if group or others may read or write the file. */
  public static boolean readableByOthers(Path file) throws IOException {
    if (!posix()) {
      return false;
    }
    Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
    return p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)
        || p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE);
  }
}

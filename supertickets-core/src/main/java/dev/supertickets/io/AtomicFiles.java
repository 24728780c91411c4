package dev.supertickets.io;

import static com.google.common.base.Preconditions.checkNotNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * Writes files so that a crash or a full disk never leaves a half-written file under the final
 * name: the bytes go to a temporary file beside the target, are forced to disk, and the temporary
 * file is renamed over the target in one atomic step. The previous version, if any, is kept as
 * {@code NAME.prev}.
 */
public final class AtomicFiles {
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFiles() {}

  /**
   * Where {@link #write} keeps the version of {@code target} it replaced: {@code NAME.prev} beside
   * it.
   */
  public static Path previous(Path target) {
    checkNotNull(target, "target file must not be null");
    return target.resolveSibling(target.getFileName() + ".prev");
  }

  /**
   * Whether {@code target} or its previous version ({@code NAME.prev}) exists: whether {@link
   * #readLatest} has something to read.
   */
  public static boolean exists(Path target) {
    return Files.exists(target) || Files.exists(previous(target));
  }

  /** Reads one file; may throw {@link FileFormatException} for a damaged one. */
  @FunctionalInterface
  public interface Reader<T> {
    /** The content of {@code file}. */
    T read(Path file) throws IOException;
  }

  /**
   * Reads the newest good version of a file {@link #write} keeps replacing (a checkpoint): {@code
   * target}, or {@code NAME.prev} when {@code target} is missing or damaged, since a crash between
   * the two renames of a write can leave only the previous one.
   *
   * @throws FileFormatException if {@code target} is damaged and no good previous version exists
   */
  public static <T> T readLatest(Path target, Reader<T> reader) throws IOException {
    checkNotNull(reader, "reader must not be null");
    Path prev = previous(target);
    if (!Files.exists(target) && Files.exists(prev)) {
      return reader.read(prev);
    }
    try {
      return reader.read(target);
    } catch (FileFormatException e) {
      if (Files.exists(prev)) {
        try {
          return reader.read(prev);
        } catch (FileFormatException ignored) {
          e.addSuppressed(ignored);
        }
      }
      throw e;
    }
  }

  /**
   * Replaces {@code target} with {@code bytes} in one atomic rename; the old content, if any, is
   * kept as {@code NAME.prev}.
   */
  public static void write(Path target, byte[] bytes) throws IOException {
    checkNotNull(target, "target file must not be null");
    checkNotNull(bytes, "bytes must not be null; pass an empty array for an empty file");
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    // not createTempFile: it makes the file private (0600), and a saved ticket should get the
    // umask's permissions
    Path tmp =
        dir.resolve(
            "." + target.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
    Files.createFile(tmp);
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      if (Files.exists(target)) {
        Files.copy(target, previous(target), StandardCopyOption.REPLACE_EXISTING);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}

package dev.supertickets.io;

import static com.google.common.base.Preconditions.checkNotNull;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The one exception every reader of SuperTickets-J throws for a file it will not load: truncated,
 * corrupt (checksum or magic mismatch), foreign, inconsistent, or written by a newer format
 * version. The message names the file and what is wrong with it.
 */
public final class FileFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /** Refuses {@code file}; {@code problem} completes the sentence "FILE: ...". */
  public FileFormatException(Path file, String problem) {
    super(
        checkNotNull(file, "file must not be null")
            + ": "
            + checkNotNull(problem, "problem must not be null"));
    this.file = file;
  }

  /**
   * Refuses {@code file} because of {@code cause}; {@code problem} completes the sentence "FILE:
   * ...".
   */
  public FileFormatException(Path file, String problem, Throwable cause) {
    super(
        checkNotNull(file, "file must not be null")
            + ": "
            + checkNotNull(problem, "problem must not be null"),
        checkNotNull(cause, "cause must not be null; use the constructor without a cause"));
    this.file = file;
  }

  /** The file that was refused. */
  public Path file() {
    return file;
  }
}

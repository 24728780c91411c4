package dev.supertickets.data;

import static com.google.common.base.Preconditions.checkNotNull;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A data set's files are not where they were looked for. Its message says where the search went and
 * how to fix it (install a package, pass a directory, set a property), because the usual cause is a
 * fresh machine.
 */
public final class DatasetNotFoundException extends NoSuchFileException {
  private static final long serialVersionUID = 1L;

  private final transient Path directory;

  /** A data set missing from {@code directory}; {@code message} is the whole explanation. */
  public DatasetNotFoundException(Path directory, String message) {
    super(
        checkNotNull(directory, "directory must not be null").toString(),
        null,
        checkNotNull(
            message,
            "message must not be null; say where the data set was looked for and how to fix it"));
    this.directory = directory;
  }

  /** The directory that was searched. */
  public Path directory() {
    return directory;
  }

  @Override
  public String getMessage() {
    return getReason();
  }
}

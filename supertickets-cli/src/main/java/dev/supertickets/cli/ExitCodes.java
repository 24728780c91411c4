package dev.supertickets.cli;

import com.google.common.collect.ImmutableMap;

/**
 * The exit codes of {@link SuperTicketsCli}, which scripts can rely on. They are listed in every
 * command's {@code --help} and in docs/command-line.md.
 */
public final class ExitCodes {
  /** The command did what it was asked. */
  public static final int OK = 0;

  /**
   * A runtime failure: training diverged, out of memory, the output could not be written, or a bug.
   */
  public static final int FAILURE = 1;

  /**
   * A usage error: unknown option, bad or missing value, or data that does not fit the search
   * space.
   */
  public static final int USAGE = 2;

  /** An input is missing: a data set directory or its IDX files, or a ticket file. */
  public static final int NOT_FOUND = 3;

  /**
   * An input file is refused: a truncated, corrupt, foreign or newer ticket file, or a malformed
   * IDX file.
   */
  public static final int BAD_FILE = 4;

  /** The list every command's help ends with. */
  static final ImmutableMap<String, String> DESCRIPTIONS =
      ImmutableMap.of(
          "" + OK, "done",
          "" + FAILURE,
              "runtime failure (training diverged, out of memory, output not writable, a bug); "
                  + "stack trace on stderr",
          "" + USAGE, "usage error: unknown option, bad value, or data that does not fit the space",
          "" + NOT_FOUND, "input not found: data directory, IDX file or ticket file",
          "" + BAD_FILE,
              "input file refused: corrupt, truncated, foreign or newer ticket file, or malformed"
                  + " IDX");

  private ExitCodes() {}
}

package dev.supertickets.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Code between marker comments in the project's sources, as the documentation quotes it
 * (de-indented).
 */
final class Snippets {
  private Snippets() {}

  /** The project root (tests run in a module directory). */
  static Path root() {
    return Path.of("").toAbsolutePath().getParent();
  }

  /**
   * The lines strictly between {@code // begin <name>} and {@code // end <name>}, minus {@code
   * indent} spaces.
   */
  static String between(String relativeFile, String name, int indent) {
    List<String> lines = lines(relativeFile);
    int from = indexOf(lines, "// begin " + name) + 1;
    int to = indexOf(lines, "// end " + name);
    String prefix = " ".repeat(indent);
    return lines.subList(from, to).stream()
        .map(l -> l.startsWith(prefix) ? l.substring(indent) : l)
        .collect(Collectors.joining("\n"));
  }

  static List<String> lines(String relativeFile) {
    try {
      return Files.readAllLines(root().resolve(relativeFile));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(String relativeFile) {
    return String.join("\n", lines(relativeFile)) + "\n";
  }

  private static int indexOf(List<String> lines, String marker) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).trim().equals(marker)) {
        return i;
      }
    }
    throw new AssertionError("marker not found: " + marker);
  }
}

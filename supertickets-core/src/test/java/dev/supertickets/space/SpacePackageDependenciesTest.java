package dev.supertickets.space;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code space} is pure Java plus Guava: no ND4J and no other SuperTickets package but {@code io}.
 */
class SpacePackageDependenciesTest {
  private static final Pattern IMPORT =
      Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)", Pattern.MULTILINE);

  @Test
  void importsOnlyTheJdkGuavaAndTheJsonCodec() throws IOException {
    Path dir = Path.of("src/main/java/dev/supertickets/space");
    assertThat(dir).isDirectory();
    List<Path> sources;
    try (var files = Files.list(dir)) {
      sources = files.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(sources).hasSizeGreaterThan(10);
    for (Path source : sources) {
      var m = IMPORT.matcher(Files.readString(source));
      while (m.find()) {
        String imported = m.group(2);
        assertThat(imported)
            .as("import in %s", source.getFileName())
            .matches(
                i ->
                    i.startsWith("java.")
                        || i.startsWith("com.google.common.")
                        || i.startsWith("com.google.errorprone.annotations.")
                        || i.startsWith("dev.supertickets.io.Json")
                        || i.startsWith("dev.supertickets.space."),
                "a JDK, Guava or dev.supertickets.io.Json import");
      }
    }
  }
}

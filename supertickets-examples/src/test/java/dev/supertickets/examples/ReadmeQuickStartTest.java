package dev.supertickets.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's Java quick start is exactly the compiled example's code, so it cannot drift. */
class ReadmeQuickStartTest {
  @Test
  void readmeQuickStartIsTheExamplesCode() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    List<String> example = Files.readAllLines(
        root.resolve("supertickets-examples/src/main/java/dev/supertickets/examples/QuickStart.java"));
    int from = indexOf(example, "// begin quick start") + 1;
    int to = indexOf(example, "// end quick start");
    String code = example.subList(from, to).stream()
        .map(l -> l.startsWith("    ") ? l.substring(4) : l)
        .collect(Collectors.joining("\n"));
    String readme = Files.readString(root.resolve("README.md"));
    assertThat(readme).contains("```java\n" + code + "\n```");
    assertThat(to - from).as("quick start lines").isLessThanOrEqualTo(20);
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

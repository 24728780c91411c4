package dev.supertickets.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * One short search-only run of the reference table: its row, the one-shot sweep, the table, and a
 * rerun skipped.
 */
@Tag("slow")
class ReferenceTableTest {
  @TempDir Path dir;

  @Test
  void writesARowPerRunAndTheTableAndSkipsDoneRows() throws Exception {
    String[] args = {
      "--data",
      "embedded",
      "--epochs",
      "1",
      "--seeds",
      "7",
      "--modes",
      "search-only",
      "--out",
      dir.toString()
    };
    assertThat(new CommandLine(new ReferenceTable()).execute(args)).isZero();
    Path row = dir.resolve("rows").resolve("search-only-7.json");
    @SuppressWarnings("unchecked")
    Map<String, Object> r = (Map<String, Object>) Json.parse(Files.readString(row));
    assertThat(((Number) r.get("accuracy")).doubleValue()).isBetween(0.3, 1.0);
    @SuppressWarnings("unchecked")
    Map<String, Object> oneShot = (Map<String, Object>) r.get("oneShot");
    assertThat(oneShot).containsOnlyKeys("0.5", "0.7", "0.8", "0.9", "0.95");
    @SuppressWarnings("unchecked")
    Map<String, Object> provenance = (Map<String, Object>) r.get("provenance");
    assertThat(provenance)
        .containsEntry("recipe", "reference")
        .containsEntry("space", "reference28")
        .containsEntry("method", "search-only");
    String table = Files.readString(dir.resolve("reference.md"));
    assertThat(table)
        .contains(
            "| search only (HR-NAS), dense | "
                + String.format(
                    java.util.Locale.ROOT, "%.4f", ((Number) r.get("accuracy")).doubleValue())
                + " (n=1) | 0.9090 |");
    long written = Files.getLastModifiedTime(row).toMillis();
    assertThat(new CommandLine(new ReferenceTable()).execute(args)).isZero();
    assertThat(Files.getLastModifiedTime(row).toMillis())
        .as("a done row is not drawn again")
        .isEqualTo(written);
  }
}

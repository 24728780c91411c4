package dev.supertickets.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.io.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The ticket-family comparison end to end on a tiny run, and its options. */
@Tag("slow")
class FamilyComparisonTest {
  @TempDir Path dir;

  @Test
  void oneCommandRunsEveryMethodAtEverySparsityAndWritesTableJsonAndPlot() throws Exception {
    Path out = dir.resolve("out");
    FamilyComparison.Options o =
        FamilyComparison.Options.parse(
            "--data embedded --epochs 2 --sparsities 0.5",
            "--depth 20 --source-depth 14 --width 4 --train-limit 256 --test-limit 64 --batch-size"
                + " 32 --out "
                + out);
    List<FamilyComparison.Row> rows =
        FamilyComparison.run(
            o,
            EmbeddedFashionMnist.train(),
            EmbeddedFashionMnist.test(),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    assertThat(rows)
        .extracting(FamilyComparison.Row::method)
        .containsExactly(
            "dense",
            "supertickets",
            "search-only",
            "search+magnitude",
            "search+magnitude+retrain",
            "imp",
            "gmp",
            "set",
            "rigl",
            "rigl+sup",
            "elth");
    for (FamilyComparison.Row r : rows) {
      assertThat(r.measured().failed()).as(r.method() + ": " + r.measured().error()).isFalse();
      assertThat(r.measured().testAccuracy()).isBetween(0.0, 1.0);
      if (r.target() > 0 && !r.method().equals("elth") && !r.method().equals("gmp")) {
        assertThat(r.measured().sparsity())
            .as(r.method())
            .isCloseTo(0.5, org.assertj.core.data.Offset.offset(2e-3));
      }
    }
    // IMP at 0.5 with 20% levels: 0.2, 0.36, 0.488, then clamped to 0.5, so 5 runs of 2 epochs
    assertThat(
            rows.stream().filter(r -> r.method().equals("imp")).findFirst().orElseThrow().epochs())
        .isEqualTo(10);
    assertThat(Files.readString(out.resolve(FamilyComparison.MARKDOWN_FILE)))
        .contains("| IMP (20%/level, rewind to init) | 0.50 |");
    @SuppressWarnings("unchecked")
    Map<String, Object> json =
        (Map<String, Object>) Json.parse(Files.readString(out.resolve("family.json")));
    assertThat((List<?>) json.get("rows")).hasSize(rows.size());
    assertThat(ImageIO.read(out.resolve(FamilyComparison.PLOT_FILE).toFile()).getWidth())
        .isPositive();
  }

  @Test
  void badOptionsNameTheFix() {
    assertThatThrownBy(() -> FamilyComparison.Options.parse("--sparsities 0.5,1.2"))
        .hasMessageContaining("every sparsity must be in (0, 1), got 1.2");
    assertThatThrownBy(() -> FamilyComparison.Options.parse("--sparsities 0.9,0.5"))
        .hasMessageContaining("--sparsities must increase");
    assertThatThrownBy(() -> FamilyComparison.Options.parse("--methods imp,lasso"))
        .hasMessageContaining("unknown method lasso");
    assertThatThrownBy(() -> FamilyComparison.Options.parse("--depth 14 --source-depth 20"))
        .hasMessageContaining("--source-depth must be smaller than --depth");
    assertThatThrownBy(() -> FamilyComparison.Options.parse("--frobnicate 1"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("frobnicate");
  }
}

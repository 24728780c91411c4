package dev.supertickets.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.draw.Recipe;
import dev.supertickets.io.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transfer comparison end to end on a tiny run, and its argument parsing. */
@Tag("slow")
class TransferComparisonTest {
  @TempDir Path dir;

  @Test
  void oneCommandRunsBothDirectionsAndWritesTheTable() throws Exception {
    Path out = dir.resolve("out");
    TransferComparison.Options o =
        TransferComparison.Options.parse(
            "--data embedded --epochs 1",
            "--finetune-epochs 1 --sparsities 0.5 --train-limit 256 --test-limit 128 --scenes 64"
                + " --test-scenes 16",
            "--canvas 28 --batch-size 32 --out " + out);
    List<TransferComparison.Row> rows =
        TransferComparison.run(
            o, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    assertThat(rows).hasSize(8);
    assertThat(rows)
        .extracting(TransferComparison.Row::direction)
        .containsOnly("classification -> segmentation", "segmentation -> classification");
    assertThat(rows)
        .extracting(TransferComparison.Row::method)
        .contains(
            "dense supernet trained on the target",
            "SuperTicket drawn on the source, transferred",
            "SuperTicket drawn on the target",
            "search, magnitude prune, transferred");
    for (TransferComparison.Row r : rows) {
      assertThat(r.metric()).as(r.method()).isBetween(0.0, 1.0);
      assertThat(r.sparseMacs()).isLessThanOrEqualTo(r.macs());
      assertThat(r.seconds()).isPositive();
      boolean toSegmentation = r.direction().endsWith("segmentation");
      assertThat(Double.isNaN(r.pixelAccuracy())).isEqualTo(!toSegmentation);
      if (r.sparsity() > 0 && r.method().startsWith("SuperTicket drawn on the target")) {
        assertThat(r.sparseParams()).isLessThan(r.params());
      }
    }
    String md = Files.readString(out.resolve("transfer.md"));
    assertThat(md)
        .contains(
            "| classification -> segmentation | SuperTicket drawn on the source, transferred | 0.50"
                + " |");
    @SuppressWarnings("unchecked")
    Map<String, Object> json =
        (Map<String, Object>) Json.parse(Files.readString(out.resolve("transfer.json")));
    assertThat((List<?>) json.get("rows")).hasSize(8);
  }

  @Test
  void badOptionsNameTheFix() {
    assertThatThrownBy(() -> TransferComparison.Options.parse("--sparsities 0.5,1.2"))
        .hasMessageContaining("every sparsity must be in (0, 1), got 1.2");
    assertThatThrownBy(() -> TransferComparison.Options.parse("--canvas 20"))
        .hasMessageContaining("--canvas must hold");
    assertThatThrownBy(() -> TransferComparison.Options.parse("--frobnicate 1"))
        .hasMessageContaining("Unknown options: '--frobnicate'");
    assertThatThrownBy(() -> TransferComparison.Options.parse("--epochs"))
        .hasMessageContaining("Missing required parameter for option '--epochs'");
    assertThatThrownBy(() -> TransferComparison.Options.parse("--lr -1"))
        .hasMessageContaining("learning rate");
    assertThat(TransferComparison.Options.parse("--rho 0.001").recipe().rho()).isEqualTo(0.001);
    assertThat(TransferComparison.Options.parse().recipe()).isEqualTo(Recipe.standard());
  }
}

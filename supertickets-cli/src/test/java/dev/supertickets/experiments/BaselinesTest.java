package dev.supertickets.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.supertickets.io.Json;
import dev.supertickets.mask.Scope;
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

/** The baselines command end to end on a tiny run; its command line is {@code compare}'s. */
@Tag("slow")
class BaselinesTest {
  private static final List<String> METHODS =
      List.of(
          "supertickets",
          "search-only",
          "search+magnitude",
          "search+random",
          "search+snip",
          "search+grasp",
          "search+synflow",
          "search+magnitude+retrain");

  @TempDir Path dir;

  @Test
  void oneCommandRunsEveryRowAndWritesTheTable() throws Exception {
    Path out = dir.resolve("out");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    BaselineOptions o =
        new BaselineOptions(
            "tiny28",
            "embedded",
            2,
            2,
            0.9,
            1995,
            512,
            256,
            dev.supertickets.draw.Recipe.standard(),
            Scope.ERK,
            out,
            false);
    BaselineReport report = Baselines.run(o, new PrintStream(log, true, StandardCharsets.UTF_8));

    assertThat(report.rows()).extracting(BaselineRow::method).containsExactlyElementsOf(METHODS);
    assertThat(report.rows()).noneMatch(BaselineRow::failed);
    for (BaselineRow r : report.rows()) {
      assertThat(r.testAccuracy()).as(r.method()).isBetween(0.0, 1.0);
      assertThat(r.sparseMacs()).as(r.method()).isLessThanOrEqualTo(r.macs());
      assertThat(r.sparseParams()).as(r.method()).isLessThanOrEqualTo(r.params());
      assertThat(r.totalSeconds()).as(r.method()).isGreaterThanOrEqualTo(r.stageSeconds());
      assertThat(r.prunable()).as(r.method()).isPositive();
      if (r.method().equals("search-only")) {
        assertThat(r.pruned()).isZero();
        assertThat(r.sparsity()).isZero();
        assertThat(r.sparseParams()).isEqualTo(r.params());
        assertThat(r.markdown()).contains("| 0.000 |");
      } else {
        // exactly the target: floor(0.9 N) of the N prunable weights
        assertThat(r.pruned()).as(r.method()).isEqualTo((long) Math.floor(0.9 * r.prunable()));
        assertThat(r.sparsity()).as(r.method()).isCloseTo(0.9, within(1e-3));
        assertThat(r.markdown()).as(r.method()).contains("| 0.900 |");
      }
    }
    // the one-shot rows and the retrained row keep the search-only architecture
    long searchMacs = report.row("search-only").macs();
    report.rows().stream()
        .filter(r -> r.method().startsWith("search+"))
        .forEach(r -> assertThat(r.macs()).as(r.method()).isEqualTo(searchMacs));
    assertThat(report.row("search+magnitude+retrain").sparseParams())
        .isEqualTo(report.row("search+magnitude").sparseParams());

    String md = Files.readString(out.resolve(BaselineReport.MARKDOWN_FILE));
    assertThat(md).isEqualTo(report.markdown()).contains(BaselineRow.markdownHeader());
    assertThat(md.lines().filter(l -> l.startsWith("| ")).count()).isEqualTo(1 + METHODS.size());
    @SuppressWarnings("unchecked")
    Map<String, Object> json =
        (Map<String, Object>) Json.parse(Files.readString(out.resolve(BaselineReport.JSON_FILE)));
    assertThat((List<?>) json.get("rows")).hasSize(METHODS.size());
    assertThat(((Map<?, ?>) json.get("settings")).get("space")).isEqualTo("tiny28");
    assertThat(((Map<?, ?>) json.get("environment")).get("trainImages")).isEqualTo(512L);
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("== search+synflow")
        .contains("retrain epoch 2/2");
  }

  @Test
  void theCommandLineIsCompares() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errs = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream outs = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    int code =
        dev.supertickets.cli.SuperTicketsCli.run(
            outs, errs, "compare", "--data", "embedded", "--sparsity", "1.5");
    assertThat(code).isEqualTo(dev.supertickets.cli.ExitCodes.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--sparsity must be in (0, 1), got 1.5");
    err.reset();
    dev.supertickets.cli.SuperTicketsCli.run(
        outs, errs, "compare", "--data", "embedded", "--train-limit", "10");
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(
            "--train-limit 10 is smaller than one batch of 64; raise it or lower --batch-size");
    assertThatThrownBy(
            () ->
                new BaselineOptions(
                    "huge",
                    "full",
                    1,
                    1,
                    0.9,
                    1,
                    0,
                    0,
                    dev.supertickets.draw.Recipe.standard(),
                    Scope.ERK,
                    Path.of("x"),
                    false))
        .hasMessageContaining("--space must be one of");
  }
}

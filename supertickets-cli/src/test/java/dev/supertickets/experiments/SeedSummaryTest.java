package dev.supertickets.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.supertickets.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Mean and spread over seeds, by hand-made reports; reports of other settings are refused. */
class SeedSummaryTest {
  @TempDir Path dir;

  @Test
  void summarisesEachMethodAndTargetOverTheSeeds() throws Exception {
    Path a = report("a", 1, 0.80, 0.70, 0.9);
    Path b = report("b", 2, 0.84, 0.72, 0.9);
    rewriteRows(b, 12, 600_000);
    Path out = dir.resolve("out");
    int code =
        new CommandLine(new SeedSummary()).execute("--in", a + "," + b, "--out", out.toString());
    assertThat(code).isZero();
    @SuppressWarnings("unchecked")
    Map<String, Object> rows =
        (Map<String, Object>)
            ((Map<String, Object>) Json.parse(Files.readString(out.resolve("summary.json"))))
                .get("rows");
    @SuppressWarnings("unchecked")
    Map<String, Object> st = (Map<String, Object>) rows.get("supertickets@0.9");
    assertThat((Double) st.get("mean")).isCloseTo(0.82, within(1e-12));
    assertThat((Double) st.get("sd")).isCloseTo(Math.sqrt(2 * 0.02 * 0.02), within(1e-12));
    assertThat(Files.readString(out.resolve("summary.md")))
        .contains(
            "| SuperTickets | 0.9 | 0.8200 ± 0.0283 | 2 | 1: 0.8000, 2: 0.8400 | 550,000 | 10–12 |")
        .contains("| GMP | 0.9 | 0.7100 ± 0.0141 |");
  }

  @Test
  void reportsMayHoldOtherColumnsAndOneSeedMaySpanReports() throws Exception {
    Path wide = report("wide", 1, 0.80, 0.70, 0.8);
    Path narrow = report("narrow", 2, 0.84, 0.72, 0.9);
    Path more = report("more", 1, 0.78, 0.68, 0.9);
    Path out = dir.resolve("out");
    assertThat(
            new CommandLine(new SeedSummary())
                .execute("--in", wide + "," + narrow + "," + more, "--out", out.toString()))
        .isZero();
    assertThat(Files.readString(out.resolve("summary.md")))
        .contains("| SuperTickets | 0.8 | 0.8000 | 1 | 1: 0.8000 |")
        .contains("| SuperTickets | 0.9 | 0.8100 ± 0.0424 | 2 | 2: 0.8400, 1: 0.7800 |");
  }

  @Test
  void aRowOfOneSeedWithTwoFiguresIsRefused() throws Exception {
    Path a = report("a", 1, 0.80, 0.70, 0.9);
    Path b = report("b", 1, 0.81, 0.71, 0.9);
    assertThat(failure(a, b))
        .hasMessageContaining("seed 1 is also in an earlier report with another figure");
  }

  @Test
  void keepReadsOnlyTheNamedMethodsOfAFolderWhoseOtherRowsWereSuperseded() throws Exception {
    Path old = report("old", 1, 0.80, 0.70, 0.9);
    Path rerun = report("rerun", 1, 0.81, 0.71, 0.9);
    Path out = dir.resolve("out");
    assertThat(
            new CommandLine(new SeedSummary())
                .execute(
                    "--in", old + "," + rerun, "--keep", old + "=gmp", "--out", out.toString()))
        .isNotZero(); // rerun's GMP row has another figure than old's, which --keep still reads
    Path rerunSt = report("rerun-st", 1, 0.81, 0.70, 0.9);
    assertThat(
            new CommandLine(new SeedSummary())
                .execute(
                    "--in", old + "," + rerunSt, "--keep", old + "=gmp", "--out", out.toString()))
        .isZero();
    assertThat(Files.readString(out.resolve("summary.md")))
        .contains("| SuperTickets | 0.9 | 0.8100 | 1 | 1: 0.8100 |")
        .contains("| GMP | 0.9 | 0.7000 | 1 | 1: 0.7000 |");
    assertThat(
            new CommandLine(new SeedSummary())
                .execute("--in", old.toString(), "--keep", rerun + "=gmp", "--out", out.toString()))
        .isNotZero();
  }

  @Test
  void aRerunOfOneSeedWithTheSameFigureCountsOnce() throws Exception {
    Path a = report("a", 1, 0.80, 0.70, 0.9);
    Path again = report("again", 1, 0.80, 0.70, 0.9);
    Path b = report("b", 2, 0.84, 0.72, 0.9);
    Path out = dir.resolve("out");
    assertThat(
            new CommandLine(new SeedSummary())
                .execute("--in", a + "," + again + "," + b, "--out", out.toString()))
        .isZero();
    assertThat(Files.readString(out.resolve("summary.md")))
        .contains("| SuperTickets | 0.9 | 0.8200 ± 0.0283 | 2 | 1: 0.8000, 2: 0.8400 |");
  }

  @Test
  void reportsOfOtherSettingsAreRefused() throws Exception {
    Path a = report("a", 1, 0.80, 0.70, 0.9);
    Path b = report("b", 2, 0.84, 0.72, 0.9, 12);
    assertThat(failure(a, b))
        .hasMessageContaining("other settings")
        .hasMessageContaining("summarise runs of one configuration");
  }

  private Exception failure(Path a, Path b) {
    CommandLine cl = new CommandLine(new SeedSummary());
    List<Exception> thrown = new ArrayList<>();
    cl.setExecutionExceptionHandler(
        (e, c, p) -> {
          thrown.add(e);
          return 1;
        });
    assertThat(cl.execute("--in", a + "," + b, "--out", dir.resolve("o").toString())).isEqualTo(1);
    return thrown.get(0);
  }

  private Path report(String name, long seed, double st, double gmp, double sparsity)
      throws Exception {
    return report(name, seed, st, gmp, sparsity, 10);
  }

  private Path report(String name, long seed, double st, double gmp, double sparsity, int epochs)
      throws Exception {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("seed", seed);
    settings.put("epochs", epochs);
    settings.put("sparsities", List.of(sparsity));
    List<Object> rows =
        List.of(
            row("supertickets", "SuperTickets", sparsity, st), row("gmp", "GMP", sparsity, gmp));
    Path d = Files.createDirectories(dir.resolve(name));
    Files.writeString(
        d.resolve(FamilyComparison.JSON_FILE),
        Json.writePretty(Map.of("settings", settings, "rows", rows)));
    return d;
  }

  /**
   * Gives every row of a report other epochs and sparse MACs, as an IMP row differs between seeds.
   */
  @SuppressWarnings("unchecked")
  private static void rewriteRows(Path reportDir, int epochs, long sparseMacs) throws Exception {
    Path file = reportDir.resolve(FamilyComparison.JSON_FILE);
    Map<String, Object> report = (Map<String, Object>) Json.parse(Files.readString(file));
    for (Map<String, Object> row : (List<Map<String, Object>>) report.get("rows")) {
      row.put("epochs", epochs);
      row.put("sparseMacs", sparseMacs);
    }
    Files.writeString(file, Json.writePretty(report));
  }

  private static Map<String, Object> row(
      String method, String description, double target, double acc) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", method);
    m.put("target", target);
    m.put("description", description);
    m.put("testAccuracy", acc);
    m.put("epochs", 10);
    m.put("sparseMacs", 500_000);
    m.put("error", null);
    return m;
  }
}

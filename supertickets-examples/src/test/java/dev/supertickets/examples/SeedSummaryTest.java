package dev.supertickets.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
    Path out = dir.resolve("out");
    int code = new CommandLine(new SeedSummary()).execute("--in", a + "," + b, "--out", out.toString());
    assertThat(code).isZero();
    @SuppressWarnings("unchecked")
    Map<String, Object> rows = (Map<String, Object>) ((Map<String, Object>) Json.parse(
        Files.readString(out.resolve("summary.json")))).get("rows");
    @SuppressWarnings("unchecked")
    Map<String, Object> st = (Map<String, Object>) rows.get("supertickets@0.9");
    assertThat((Double) st.get("mean")).isCloseTo(0.82, within(1e-12));
    assertThat((Double) st.get("sd")).isCloseTo(Math.sqrt(2 * 0.02 * 0.02), within(1e-12));
    assertThat(Files.readString(out.resolve("summary.md"))).contains("| SuperTickets | 0.9 | 0.8200 ± 0.0283 |")
        .contains("| GMP | 0.9 | 0.7100 ± 0.0141 |");
  }

  @Test
  void reportsOfOtherSettingsAreRefused() throws Exception {
    Path a = report("a", 1, 0.80, 0.70, 0.9);
    Path b = report("b", 2, 0.84, 0.72, 0.8);
    CommandLine cl = new CommandLine(new SeedSummary());
    List<Exception> thrown = new ArrayList<>();
    cl.setExecutionExceptionHandler((e, c, p) -> {
      thrown.add(e);
      return 1;
    });
    assertThat(cl.execute("--in", a + "," + b, "--out", dir.resolve("o").toString())).isEqualTo(1);
    assertThatThrownBy(() -> {
      throw thrown.get(0);
    }).hasMessageContaining("other settings").hasMessageContaining("summarise runs of one configuration");
  }

  private Path report(String name, long seed, double st, double gmp, double sparsity) throws Exception {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("seed", seed);
    settings.put("sparsities", List.of(sparsity));
    List<Object> rows = List.of(row("supertickets", "SuperTickets", sparsity, st), row("gmp", "GMP", sparsity, gmp));
    Path d = Files.createDirectories(dir.resolve(name));
    Files.writeString(d.resolve(FamilyComparison.JSON_FILE), Json.writePretty(Map.of("settings", settings,
        "rows", rows)));
    return d;
  }

  private static Map<String, Object> row(String method, String description, double target, double acc) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", method);
    m.put("target", target);
    m.put("description", description);
    m.put("testAccuracy", acc);
    m.put("error", null);
    return m;
  }
}

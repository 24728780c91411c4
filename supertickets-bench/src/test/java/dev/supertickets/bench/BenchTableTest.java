package dev.supertickets.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchTableTest {

  private static StepBenchmark.Result ms(String name, double... samples) {
    return StepBenchmark.Result.of(name, 3, 128, samples);
  }

  @Test
  void speedUpIsPeerOverOursOnMedians() {
    BenchTable.Row row =
        new BenchTable.Row("net2", ms("ours", 400, 500, 600), ms("peer", 900, 1000, 1100), null);
    assertEquals(2.0, row.speedUp(), 1e-12);
    assertTrue(Double.isNaN(new BenchTable.Row("net2", null, ms("peer", 900), "").speedUp()));
  }

  @Test
  void writesMarkdownAndJsonWithPendingSide(@TempDir Path dir) throws Exception {
    BenchTable table =
        new BenchTable("t")
            .env("OMP_NUM_THREADS", "1")
            .env("quote \"and\\ backslash", null)
            .add(
                new BenchTable.Row(
                    "net2 | batch 128", null, ms("peer", 880, 900), "SuperTickets-J pending"));
    table.write(dir);
    String md = Files.readString(dir.resolve(BenchTable.MARKDOWN_FILE));
    String json = Files.readString(dir.resolve(BenchTable.JSON_FILE));
    assertTrue(
        md.contains(
            "| net2 \\| batch 128 |  | SuperTickets-J | n/a | PyTorch | 890.0 / 890.0 / 880.0 |"),
        md);
    assertTrue(md.contains("| OMP_NUM_THREADS | 1 |"), md);
    assertTrue(json.contains("\"ours\": null"), json);
    assertTrue(json.contains("\"medianMs\": 890.000"), json);
    assertTrue(json.contains("\"speedUp\": null"), json);
    assertTrue(json.contains("\"quote \\\"and\\\\ backslash\": \"unset\""), json);
  }

  @Test
  void optionsParseFlagsAndRejectUnknown() {
    BenchMain.Options o =
        BenchMain.Options.parse(
            new String[] {
              "--steps", "7", "--warmup", "1", "--only", "peer", "--rows", "net2, net1"
            });
    assertEquals(7, o.steps());
    assertEquals(1, o.warmup());
    assertEquals("peer", o.only());
    assertEquals(List.of("net2", "net1"), o.rowPrefixes());
    assertThrows(
        IllegalArgumentException.class,
        () -> BenchMain.Options.parse(new String[] {"--bogus", "1"}));
    assertThrows(
        IllegalArgumentException.class,
        () -> BenchMain.Options.parse(new String[] {"--only", "x"}));
    BenchMain.Options quick =
        BenchMain.Options.parse(new String[] {"--quick", "true", "--budget", "0.25"});
    assertTrue(quick.quick());
    assertEquals(0.25, quick.budgetSeconds(), 0);
    assertEquals(3, quick.steps(), "the smoke plan times few steps");
    assertThrows(
        IllegalArgumentException.class,
        () -> BenchMain.Options.parse(new String[] {"--quick", "yes"}));
    assertThrows(
        IllegalArgumentException.class,
        () -> BenchMain.Options.parse(new String[] {"--budget", "0"}));
  }

  @Test
  void ratiosFollowTheSpec() {
    BenchTable.Spec overhead =
        BenchTable.Spec.of("2", 1)
            .ratio(BenchTable.Ratio.OVERHEAD, 1)
            .goal(new BenchTable.Goal(1.05, false));
    BenchTable.Row r = new BenchTable.Row("mask", ms("m", 105), ms("u", 100), "", overhead);
    assertEquals(1.05, r.ratio(), 1e-12);
    assertTrue(r.goalMet());
    BenchTable.Spec shrink =
        BenchTable.Spec.of("3", 1)
            .ratio(BenchTable.Ratio.SPEED_UP, 4)
            .goal(new BenchTable.Goal(0.8, true));
    BenchTable.Row s = new BenchTable.Row("cut", ms("cut", 50), ms("full", 100), "", shrink);
    assertEquals(0.5, s.ratio(), 1e-12, "2x faster for 4x fewer MACs");
    assertEquals(Boolean.FALSE, s.goalMet());
    assertEquals(null, new BenchTable.Row("x", null, null, "").goalMet());
    BenchTable t = new BenchTable("t").peak(BenchTable.Engine.ND4J, 1, 100);
    BenchTable.Row w =
        new BenchTable.Row(
            "w", ms("a", 10), ms("b", 20), "", BenchTable.Spec.of("6", 1).flops(5e8));
    assertEquals(50, w.gflops(w.ours()), 1e-9);
    assertEquals(0.5, t.fractionOfPeak(w, true), 1e-12);
    assertTrue(Double.isNaN(t.fractionOfPeak(w, false)), "no PyTorch peak recorded");
  }
}

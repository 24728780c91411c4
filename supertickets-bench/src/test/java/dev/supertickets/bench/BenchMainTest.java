package dev.supertickets.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supertickets.bench.BenchMain.BenchRow;
import dev.supertickets.bench.BenchMain.Side;
import dev.supertickets.bench.BenchTable.Engine;
import dev.supertickets.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sitting's machinery on trivial rows: reuse of sides by key, skipped sides, peaks, files. No
 * timing is asserted.
 */
class BenchMainTest {

  @Test
  void runsTrivialRowsReusesKeyedSidesAndWritesBothFiles(@TempDir Path dir) throws Exception {
    AtomicInteger built = new AtomicInteger();
    AtomicInteger steps = new AtomicInteger();
    Side shared =
        new Side(
            "shared",
            () -> {
              built.incrementAndGet();
              return new TimedStep() {
                @Override
                public void step() {
                  steps.incrementAndGet();
                }

                @Override
                public int batchSize() {
                  return 4;
                }
              };
            });
    Side other = new Side("other", () -> () -> {});
    BenchTable.Spec peak =
        BenchTable.Spec.of("7 peak", 1).sides("a", Engine.ND4J, "b", Engine.ND4J).flops(1e6);
    List<BenchRow> rows =
        List.of(
            new BenchRow("peak", shared, other, peak, true),
            // no threads: not paired, so the shared side's first timing is reused
            new BenchRow(
                "again",
                shared,
                other,
                BenchTable.Spec.of("1 x", 0)
                    .sides("a", Engine.ND4J, "b", Engine.ND4J)
                    .goal(new BenchTable.Goal(0, true)),
                false),
            new BenchRow(
                "gpu",
                new Side("gpu", () -> null, "skipped: no GPU"),
                new Side("gpu2", null),
                BenchTable.Spec.of("GPU", 0),
                false),
            new BenchRow("unselected", shared, other, BenchTable.Spec.of("9 other", 1), false));
    BenchMain.Options options =
        new BenchMain.Options(1, 0, 2, 60, true, dir, "both", List.of("7", "1", "GPU"));
    AtomicInteger summaries = new AtomicInteger();
    int status = BenchMain.run(options, rows, t -> summaries.incrementAndGet());
    assertEquals(0, status);
    assertEquals(1, built.get(), "a side with the same key is timed once");
    assertEquals(3, steps.get(), "1 warm-up + 2 timed steps");
    assertEquals(1, summaries.get());
    String md = Files.readString(dir.resolve(BenchTable.MARKDOWN_FILE));
    assertTrue(md.contains("skipped: no GPU") && md.contains("PyTorch pending"), md);
    assertFalse(md.contains("unselected"), md);
    @SuppressWarnings("unchecked")
    Map<String, Object> json =
        (Map<String, Object>) Json.parse(Files.readString(dir.resolve(BenchTable.JSON_FILE)));
    List<?> jsonRows = (List<?>) json.get("rows");
    assertEquals(3, jsonRows.size());
    @SuppressWarnings("unchecked")
    Map<String, Object> again = (Map<String, Object>) jsonRows.get(1);
    assertEquals(Boolean.TRUE, again.get("goalMet"));
    @SuppressWarnings("unchecked")
    Map<String, Object> first = (Map<String, Object>) jsonRows.get(0);
    assertTrue(
        first.get("oursFractionOfPeak") instanceof Number, "the peak row has a fraction of peak");
    assertNull(again.get("oursFractionOfPeak"), "a row without a work count has none");
    @SuppressWarnings("unchecked")
    Map<String, Object> gpu = (Map<String, Object>) jsonRows.get(2);
    assertNull(gpu.get("ratio"));
    assertTrue(((Map<?, ?>) json.get("peaksGflops")).containsKey("ND4J@1"));
  }

  @Test
  void sameEngineRowsAreTimedInTurnOnce(@TempDir Path dir) throws Exception {
    StringBuilder order = new StringBuilder();
    Side a = new Side("a", () -> () -> order.append('a'));
    Side b = new Side("b", () -> () -> order.append('b'));
    BenchTable.Spec spec = BenchTable.Spec.of("2 x", 1).sides("a", Engine.ND4J, "b", Engine.ND4J);
    List<BenchRow> rows =
        List.of(
            new BenchRow("first", a, b, spec, false), new BenchRow("second", a, b, spec, false));
    BenchMain.Options options = new BenchMain.Options(1, 0, 2, 60, true, dir, "both", List.of());
    assertEquals(0, BenchMain.run(options, rows, t -> {}));
    assertEquals(
        "ababab", order.toString(), "one warm-up pair and two timed pairs, in turn, for both rows");
    BenchMain.Options oursOnly = new BenchMain.Options(1, 0, 2, 60, true, dir, "ours", List.of());
    order.setLength(0);
    assertEquals(0, BenchMain.run(oursOnly, rows.subList(0, 1), t -> {}));
    assertEquals("aaa", order.toString(), "one side alone is timed alone");
  }
}

package dev.supertickets.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StepBenchmarkTest {

  @Test
  void runsWarmupPlusTimedSteps() {
    AtomicInteger calls = new AtomicInteger();
    StepBenchmark.Result r = new StepBenchmark(2, 5).run("count", calls::incrementAndGet);
    assertEquals(7, calls.get());
    assertEquals(5, r.steps());
    assertEquals(2, r.warmup());
    assertTrue(r.minMs() <= r.medianMs() && r.medianMs() <= r.maxMs());
    assertTrue(Double.isNaN(r.imagesPerSecond()), "batch size unknown");
  }

  @Test
  void statistics() {
    StepBenchmark.Result odd = StepBenchmark.Result.of("odd", 0, 128, new double[] {30, 10, 20});
    assertEquals(20, odd.medianMs(), 1e-12);
    assertEquals(20, odd.meanMs(), 1e-12);
    assertEquals(10, odd.minMs(), 1e-12);
    assertEquals(30, odd.maxMs(), 1e-12);
    assertEquals(128 * 1000.0 / 20, odd.imagesPerSecond(), 1e-9);
    StepBenchmark.Result even = StepBenchmark.Result.of("even", 0, 0, new double[] {4, 1, 3, 2});
    assertEquals(2.5, even.medianMs(), 1e-12);
    assertEquals(4, even.samplesMs()[0], 0, "samples keep their order");
  }

  @Test
  void budgetStopsAfterTheFewestSteps() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    // any step outlasts a nanosecond budget
    StepBenchmark.Result r = new StepBenchmark(1, 50, 1e-9).run("slow", sleeping(calls, 1));
    assertEquals(StepBenchmark.MIN_STEPS, r.steps());
    assertEquals(1 + StepBenchmark.MIN_STEPS, calls.get());
    assertThrows(IllegalArgumentException.class, () -> new StepBenchmark(0, 1, 0));
  }

  @Test
  void pairedStepsAlternate() {
    StringBuilder order = new StringBuilder();
    StepBenchmark.Result[] r =
        new StepBenchmark(1, 3)
            .runPaired("a", () -> order.append('a'), "b", () -> order.append('b'));
    assertEquals("abababab", order.toString(), "one warm-up pair, then three timed pairs, in turn");
    assertEquals("a", r[0].name());
    assertEquals("b", r[1].name());
    assertEquals(3, r[0].steps());
    assertEquals(3, r[1].steps());
  }

  @Test
  void pairedBudgetCountsBothSides() {
    AtomicInteger calls = new AtomicInteger();
    TimedStep slow = sleeping(calls, 1);
    StepBenchmark.Result[] r = new StepBenchmark(0, 50, 1e-9).runPaired("a", slow, "b", slow);
    assertEquals(StepBenchmark.MIN_STEPS, r[0].steps());
    assertEquals(2 * StepBenchmark.MIN_STEPS, calls.get());
  }

  @Test
  void warmsUpForAtLeastTheWarmUpTime() {
    AtomicInteger calls = new AtomicInteger();
    TimedStep slow = sleeping(calls, 2);
    StepBenchmark.Result r = new StepBenchmark(1, 3, 60, 0.1).run("slow", slow);
    // 0.1 s of 2 ms steps is dozens of steps, far above the one warm-up step asked for
    assertTrue(r.warmup() >= 20, "warm-up steps run: " + r.warmup());
    assertEquals(r.warmup() + 3, calls.get());
    assertEquals(1, new StepBenchmark(1, 3, 60, 0).run("count", () -> {}).warmup());
    assertThrows(IllegalArgumentException.class, () -> new StepBenchmark(1, 3, 60, -1));
  }

  /** A step that counts its calls and sleeps {@code ms} milliseconds. */
  private static TimedStep sleeping(AtomicInteger calls, int ms) {
    return () -> {
      calls.incrementAndGet();
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }

  @Test
  void rejectsBadCounts() {
    assertThrows(IllegalArgumentException.class, () -> new StepBenchmark(-1, 5));
    assertThrows(IllegalArgumentException.class, () -> new StepBenchmark(0, 0));
    assertThrows(
        IllegalArgumentException.class, () -> StepBenchmark.Result.of("x", 0, 0, new double[0]));
  }
}

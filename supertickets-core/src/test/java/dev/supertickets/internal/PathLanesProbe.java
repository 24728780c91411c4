package dev.supertickets.internal;

import dev.supertickets.data.Batch;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.supernet.HrSupernet;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Tensors;
import dev.supertickets.train.Trainer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * One and two path lanes, step for step in turn on one trainer ({@code reference28}, batch 128, the
 * reference recipe's shape), medians of each (run with -Dst.excludedGroups=none
 * -Dtest=PathLanesProbe; -Dprobe.steps=N).
 */
@Tag("probe")
class PathLanesProbe {
  @Test
  void oneAndTwoLanesInTurn() {
    Backend.init();
    System.out.println(Backend.describe());
    SplittableRandom rng = new SplittableRandom(1);
    HrSupernet net = new HrSupernet(SearchSpaces.reference28(), rng);
    Trainer t = Trainer.builder(net).build();
    int batch = 128;
    int[] y = new int[batch];
    for (int i = 0; i < batch; i++) {
      y[i] = i % 10;
    }
    Batch b = new Batch(Tensors.gaussian(rng, 1, DataType.FLOAT, batch, 28, 28, 1), y, batch);
    int steps = Integer.getInteger("probe.steps", 60);
    for (int i = 0; i < 10; i++) {
      PathLanes.use(1 + i % 2);
      t.step(b, 0);
    }
    long[][] ns = new long[2][steps];
    for (int i = 0; i < steps; i++) {
      for (int lanes = 1; lanes <= 2; lanes++) {
        PathLanes.use(lanes);
        long s = System.nanoTime();
        t.step(b, 0);
        ns[lanes - 1][i] = System.nanoTime() - s;
      }
    }
    PathLanes.useDefault();
    double one = median(ns[0]);
    double two = median(ns[1]);
    System.out.printf(
        java.util.Locale.ROOT,
        "reference28 batch %d, %d steps each: 1 lane %.1f ms, 2 lanes %.1f ms (x%.2f)%n",
        batch,
        steps,
        one,
        two,
        one / two);
  }

  private static double median(long[] v) {
    long[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2] / 1e6;
  }
}

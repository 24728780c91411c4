package dev.supertickets.train;

import dev.supertickets.data.Batch;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.Networks;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.supernet.HrSupernet;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Tensors;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** Whole training-step timings (run with -Dst.excludedGroups=none -Dtest=StepTimingProbe). */
@Tag("probe")
class StepTimingProbe {
  @Test
  void steps() {
    Backend.init();
    System.out.println(Backend.describe());
    for (String which : new String[] {"net2", "tiny28", "default28"}) {
      SplittableRandom rng = new SplittableRandom(1);
      Module m =
          switch (which) {
            case "net2" -> Networks.net2(1, 2, 10, rng);
            case "tiny28" -> new HrSupernet(SearchSpaces.tiny28(), rng);
            default -> new HrSupernet(SearchSpaces.default28(), rng);
          };
      Trainer t = Trainer.builder(m).build();
      int[] y = new int[128];
      for (int i = 0; i < 128; i++) {
        y[i] = i % 10;
      }
      Batch b = new Batch(Tensors.gaussian(rng, 1, DataType.FLOAT, 128, 28, 28, 1), y, 128);
      for (int i = 0; i < 3; i++) {
        t.step(b, 0);
      }
      long best = Long.MAX_VALUE;
      long sum = 0;
      for (int i = 0; i < 8; i++) {
        long s = System.nanoTime();
        t.step(b, 0);
        long d = System.nanoTime() - s;
        best = Math.min(best, d);
        sum += d;
      }
      System.out.printf("%s ms/step best %.1f mean %.1f%n", which, best / 1e6, sum / 8e6);
    }
  }
}

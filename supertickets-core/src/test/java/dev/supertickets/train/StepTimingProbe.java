package dev.supertickets.train;

import dev.supertickets.data.Batch;
import dev.supertickets.nn.Networks;
import dev.supertickets.nn.Sequential;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Tensors;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

@Tag("probe")
class StepTimingProbe {
  @Test
  void net2() {
    Backend.init();
    System.out.println(Backend.describe());
    for (String which : new String[] {"net2", "small"}) {
      SplittableRandom rng = new SplittableRandom(1);
      Sequential m = which.equals("net2") ? Networks.net2(1, 2, 10, rng) : Networks.smallCnn(1, 32, 28, 10, rng);
      Trainer t = Trainer.builder(m).build();
      int[] y = new int[128];
      for (int i = 0; i < 128; i++) y[i] = i % 10;
      Batch b = new Batch(Tensors.gaussian(rng, 1, DataType.FLOAT, 128, 28, 28, 1), y, 128);
      for (int i = 0; i < 3; i++) t.step(b, 0);
      long s = System.nanoTime();
      for (int i = 0; i < 10; i++) t.step(b, 0);
      System.out.println(which + " ms/step " + (System.nanoTime() - s) / 1e7);
    }
  }
}

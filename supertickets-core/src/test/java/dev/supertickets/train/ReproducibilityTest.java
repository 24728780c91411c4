package dev.supertickets.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.data.Augmentation;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.data.Loader;
import dev.supertickets.nn.Dropout;
import dev.supertickets.nn.Networks;
import dev.supertickets.nn.Param;
import dev.supertickets.nn.Sequential;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.RandomStreams;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One seed decides initialisation, data order, augmentation and dropout: same seed, bit-identical
 * weights.
 */
class ReproducibilityTest {
  private static List<INDArray> train(long seed) throws Exception {
    Backend.init();
    RandomStreams rs = new RandomStreams(seed);
    Dataset data = EmbeddedFashionMnist.train().subset(0, 640);
    Sequential body = Networks.smallCnn(1, 8, 28, 10, rs.stream("init"));
    Sequential model = Sequential.of(new Dropout(0.1, rs.stream("dropout")), body);
    Loader loader =
        Loader.builder(data)
            .batchSize(64)
            .shuffle(true)
            .augmentation(new Augmentation(2, true))
            .seed(rs.stream("data").nextLong())
            .build();
    Trainer t =
        Trainer.builder(model)
            .optimizer(new Sgd(0.9, true))
            .schedule(LrSchedule.constant(0.05))
            .l2(L2Penalty.onWeights(1e-4))
            .ema(0.99)
            .build();
    t.epoch(loader, 0);
    List<INDArray> out = new ArrayList<>();
    for (Param p : model.params()) {
      out.add(p.value().dup());
    }
    return out;
  }

  @Test
  void sameSeedGivesBitIdenticalWeights() throws Exception {
    List<INDArray> a = train(42);
    List<INDArray> b = train(42);
    List<INDArray> c = train(43);
    assertThat(a).hasSameSizeAs(b);
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).data().asFloat()).containsExactly(b.get(i).data().asFloat());
    }
    boolean anyDiffers = false;
    for (int i = 0; i < a.size(); i++) {
      anyDiffers |= !a.get(i).equals(c.get(i));
    }
    assertThat(anyDiffers).as("a different seed must give different weights").isTrue();
  }
}

package dev.supertickets.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.FashionMnist;
import dev.supertickets.data.Loader;
import dev.supertickets.data.Normalization;
import dev.supertickets.mask.MaskContext;
import dev.supertickets.mask.Masks;
import dev.supertickets.mask.Scope;
import dev.supertickets.mask.ScoredPolicy;
import dev.supertickets.mask.Scorers;
import dev.supertickets.mask.Selector;
import dev.supertickets.nn.Networks;
import dev.supertickets.nn.Param;
import dev.supertickets.nn.Sequential;
import dev.supertickets.tensor.Backend;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The foundation's acceptance run: a small CNN with half of every conv and linear weight pruned at
 * random (and held at zero in {@code W_eff}) reaches at least 85% test accuracy on full
 * Fashion-MNIST after one epoch.
 */
@Tag("real-data")
class MaskedTrainingRealDataTest {
  @Test
  void halfPrunedCnnLearnsFashionMnistInOneEpoch() throws Exception {
    assumeTrue(
        FashionMnist.isInstalled(),
        "Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)");
    Backend.init();
    Dataset train = FashionMnist.train();
    Dataset test = FashionMnist.test();
    Normalization norm = Normalization.of(train);
    Sequential model = Networks.smallCnn(1, 16, 28, 10, new SplittableRandom(7));
    // half of every conv and linear weight (the classifier included), chosen at random per layer
    Masks.install(
        ScoredPolicy.of(Scorers.random(11))
            .scope(Scope.PER_LAYER)
            .masks(MaskContext.builder(model).selector(Selector.weights()).build(), 0.5));
    Loader trainLoader =
        Loader.builder(train).batchSize(128).shuffle(true).normalization(norm).seed(3).build();
    Loader testLoader = Loader.forEvaluation(test, 500, norm);
    Trainer trainer =
        Trainer.builder(model)
            .optimizer(new AdamW())
            .schedule(LrSchedule.oneCycle(0.01, trainLoader.batchesPerEpoch()))
            .build();
    Metrics m = trainer.fit(trainLoader, testLoader, 1, 1);
    System.out.println("masked small CNN, 1 epoch: " + m);

    for (Param p : model.params()) {
      if (p.isWeight()) {
        INDArray eff = p.effective();
        assertThat(p.activeCount()).isEqualTo(p.size() - p.size() / 2);
        assertThat(eff.mul(p.mask().rsub(1)).amaxNumber().doubleValue()).isZero();
        // pruned weights keep their stored values (they are not zeroed), so they can be reactivated
        // later
        assertThat(p.value().mul(p.mask().rsub(1)).amaxNumber().doubleValue()).isGreaterThan(0);
      }
    }
    assertThat(m.accuracy()).isGreaterThanOrEqualTo(0.85);
  }
}

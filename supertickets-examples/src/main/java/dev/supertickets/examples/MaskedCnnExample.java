package dev.supertickets.examples;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.data.FashionMnist;
import dev.supertickets.data.Loader;
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
import dev.supertickets.tensor.RandomStreams;
import dev.supertickets.train.AdamW;
import dev.supertickets.train.LrSchedule;
import dev.supertickets.train.Metrics;
import dev.supertickets.train.Trainer;

/**
 * Trains a small CNN whose conv and linear weights are half pruned (random masks, held at zero in
 * {@code W_eff}) on the embedded Fashion-MNIST subset, and prints its test accuracy and sparsity.
 * Pass {@code --full} to use the full data set from /usr/share/datasets/fashion-mnist.
 */
public final class MaskedCnnExample {
  /** Trains the masked CNN and prints its accuracy and sparsity. */
  public static void main(String[] args) throws Exception {
    Backend.init();
    boolean full = args.length > 0 && args[0].equals("--full");
    Dataset train = full ? FashionMnist.train() : EmbeddedFashionMnist.train();
    Dataset test = full ? FashionMnist.test() : EmbeddedFashionMnist.test();
    RandomStreams seeds = new RandomStreams(42);

    Sequential model = Networks.smallCnn(1, 16, 28, 10, seeds.stream("init"));
    // half of every conv and linear weight, at random per layer: W_eff = mask ⊙ W in every forward
    // pass
    Masks.install(
        ScoredPolicy.of(Scorers.random(seeds.stream("masks").nextLong()))
            .scope(Scope.PER_LAYER)
            .masks(MaskContext.builder(model).selector(Selector.weights()).build(), 0.5));
    Loader trainLoader =
        Loader.builder(train)
            .batchSize(128)
            .normalization(FashionMnist.NORMALIZATION)
            .seed(seeds.stream("data").nextLong())
            .build();
    Loader testLoader = Loader.forEvaluation(test, 500, FashionMnist.NORMALIZATION);
    Trainer trainer =
        Trainer.builder(model)
            .optimizer(new AdamW())
            .schedule(LrSchedule.oneCycle(0.01, 3L * trainLoader.batchesPerEpoch()))
            .build();
    Metrics metrics = trainer.fit(trainLoader, testLoader, 3, 1);

    long active = 0;
    long total = 0;
    for (Param p : model.params()) {
      if (p.isWeight()) {
        active += p.activeCount();
        total += p.size();
      }
    }
    System.out.println(Backend.describe());
    System.out.printf(
        "data: %s (%d train, %d test)%n",
        full ? "Fashion-MNIST" : "embedded Fashion-MNIST subset", train.size(), test.size());
    System.out.printf(
        "weights: %d of %d active (sparsity %.2f)%n", active, total, 1 - (double) active / total);
    System.out.printf(
        "test accuracy after 3 epochs: %.4f (loss %.4f)%n", metrics.accuracy(), metrics.loss());
  }
}

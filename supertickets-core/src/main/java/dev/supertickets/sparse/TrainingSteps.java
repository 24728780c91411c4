package dev.supertickets.sparse;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.Loader;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.ticket.DataChecks;
import dev.supertickets.ticket.Retrainer;

/** How many optimizer steps a {@link Retrainer} takes on a data set: what step-based schedules are laid out on. */
final class TrainingSteps {
  private TrainingSteps() {}

  /**
   * Batches per epoch of {@code retrainer} on {@code train}, after checking that the data fits {@code space}
   * (the count is that of the retrainer's own loader: the last, shorter batch is kept).
   */
  static int perEpoch(SearchSpace space, Dataset train, Retrainer retrainer) {
    DataChecks.checkFits(space, train, "training", retrainer.batchSize());
    return Loader.builder(train).batchSize(retrainer.batchSize()).build().batchesPerEpoch();
  }
}

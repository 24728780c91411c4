package dev.supertickets.sparse;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.Loader;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.ticket.DataChecks;
import dev.supertickets.ticket.DrawProgress;
import dev.supertickets.ticket.Retrainer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the drawers of this package share about a run: its step count and the data it ran on. */
final class SparseRuns {
  private SparseRuns() {}

  /**
   * Batches per epoch of {@code retrainer} on {@code train}, after checking that the data fit
   * {@code space}: what step-based schedules are laid out on (the count is that of the retrainer's
   * own loader, last batch kept).
   */
  static int stepsPerEpoch(SearchSpace space, Dataset train, Retrainer retrainer) {
    DataChecks.checkFits(space, train, "training", retrainer.batchSize());
    return Loader.builder(train).batchSize(retrainer.batchSize()).build().batchesPerEpoch();
  }

  /** Records the data of a run as {@code data.train} and {@code data.test} provenance. */
  static void putData(Map<String, Object> provenance, Dataset train, Dataset test) {
    provenance.put("data.train", train.name() + " (" + train.size() + ")");
    provenance.put("data.test", test == null ? "none" : test.name() + " (" + test.size() + ")");
  }

  /**
   * The progress folder of a draw with {@code settings} and {@code recipe} on the data, or none
   * when {@code folder} is null.
   */
  static DrawProgress progress(
      Path folder, Map<String, Object> settings, Retrainer recipe, Dataset train, Dataset test) {
    if (folder == null) {
      return DrawProgress.none();
    }
    Map<String, Object> m = new LinkedHashMap<>(settings);
    m.putAll(recipe.settings());
    putData(m, train, test);
    return DrawProgress.in(folder, m);
  }
}

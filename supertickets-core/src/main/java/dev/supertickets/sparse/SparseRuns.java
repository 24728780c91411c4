package dev.supertickets.sparse;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.Loader;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.ticket.DataChecks;
import dev.supertickets.ticket.DrawProgress;
import dev.supertickets.ticket.Provenance;
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
    Provenance.putData(m, "data.", train, test);
    return DrawProgress.in(folder, m);
  }

  /**
   * The provenance entries of a drawer's settings record, derived from its components so that a new
   * setting is recorded without a line written for it: {@code method}, then each component as
   * {@code PREFIX name} ({@code seed} unprefixed, shared by every drawer), a null normalisation as
   * measured on the training data.
   */
  static Map<String, Object> entries(String method, String prefix, Record settings) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", method);
    dev.supertickets.io.RecordComponents.of(settings)
        .forEach(
            (name, v) ->
                m.put(
                    name.equals("seed") ? name : prefix + name,
                    v == null && name.equals("normalization")
                        ? "of training data"
                        : v instanceof Enum<?> e ? e.toString() : v));
    return m;
  }
}

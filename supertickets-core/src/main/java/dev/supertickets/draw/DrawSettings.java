package dev.supertickets.draw;

import dev.supertickets.data.Normalization;
import dev.supertickets.io.RecordComponents;
import dev.supertickets.mask.MaskPolicy;
import dev.supertickets.mask.Selector;
import dev.supertickets.space.SearchSpace;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that decides a SuperTickets draw's ticket, fixed when the drawer is built: the
 * provenance a ticket records and the identity a checkpoint is resumed against are read from these
 * components (and the recipe's), so a new setting is recorded without a line written for it.
 *
 * @param rhoWarmupEpochs epochs over which rho rises from 0 (the recipe's fraction of these epochs,
 *     or as set)
 * @param macsBudget the MACs budget that ends the search, 0 for none
 * @param normalization the input normalisation, null to measure it on the training data
 */
record DrawSettings(
    long seed,
    SearchSpace space,
    int epochs,
    double targetSparsity,
    Recipe recipe,
    double rhoWarmupEpochs,
    int evalInterval,
    int pruneInterval,
    long macsBudget,
    boolean search,
    Reactivation reactivation,
    MaskPolicy maskPolicy,
    Selector selector,
    Normalization normalization) {

  /**
   * The draw's prune events: one per prune epoch, or the recipe's least number spread over the
   * steps.
   */
  int pruneEvents() {
    return Math.max(PruneEvents.byEpochs(epochs, pruneInterval), recipe.minPruneEvents());
  }

  /** What the draw computes: a ticket, the search alone, or sparse training alone. */
  String method() {
    return search ? (targetSparsity > 0 ? "supertickets" : "search-only") : "sparse-training";
  }

  /**
   * Every setting by name, as a ticket's provenance records it: each component (the space by name,
   * the recipe by preset name and then every value of it, no budget and measured normalisation
   * spelt out), then what they imply.
   */
  Map<String, Object> entries() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", method());
    for (Map.Entry<String, Object> c : RecordComponents.of(this).entrySet()) {
      String name = c.getKey();
      Object v = c.getValue();
      if (v instanceof Recipe r) {
        m.put("recipe", r.presetName());
        m.put("optimizer", "AdamW(0.9, 0.999, eps 1e-3), one-cycle");
        m.putAll(r.entries());
      } else if (v instanceof SearchSpace s) {
        m.put(name, s.name());
      } else if (name.equals("macsBudget")) {
        m.put(name, macsBudget > 0 ? macsBudget : "none");
      } else if (name.equals("normalization")) {
        m.put(name, normalization == null ? "from training data" : normalization);
      } else {
        m.put(name, v);
      }
    }
    m.put("pruneEvents", pruneEvents());
    return m;
  }
}

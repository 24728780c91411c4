package dev.supertickets.experiments;

import dev.supertickets.data.Dataset;
import dev.supertickets.mask.Masks;
import dev.supertickets.mask.Selector;
import dev.supertickets.nn.Param;
import dev.supertickets.nn.Profiler;
import dev.supertickets.ticket.SuperTicket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One row of the baselines table: a method's ticket measured the same way for every method. MACs
 * and parameters are per image at the space's input size; "sparse" counts only active (unmasked)
 * weights, layer by layer, not the reference's uniform-density estimate; parameters include biases
 * and BN scales and shifts. Sparsity is pruned over prunable weights, exact counts (the policies
 * prune {@code floor(s · prunable)}). {@code stageSeconds} is the time of this row's own stage,
 * {@code totalSeconds} that of the whole pipeline that produced it (search included). A failed row
 * has an error and NaN or -1 figures.
 */
public record BaselineRow(
    String method,
    String description,
    double testAccuracy,
    long macs,
    long sparseMacs,
    long params,
    long sparseParams,
    long prunable,
    long pruned,
    double stageSeconds,
    double totalSeconds,
    String error) {

  /** Measures a ticket: accuracy on {@code test}, cost, and pruned among prunable weights. */
  public static BaselineRow of(
      String method,
      String description,
      SuperTicket ticket,
      Dataset test,
      double stageSeconds,
      double totalSeconds) {
    Profiler.Cost cost = ticket.cost();
    List<Param> prunable = Selector.prunableWeights().select(ticket.network().params());
    return new BaselineRow(
        method,
        description,
        ticket.evaluate(test).accuracy(),
        cost.macs(),
        cost.sparseMacs(),
        cost.params(),
        cost.sparseParams(),
        prunable.stream().mapToLong(Param::size).sum(),
        Masks.prunedCount(prunable),
        stageSeconds,
        totalSeconds,
        null);
  }

  /** A row for a stage that threw. */
  public static BaselineRow failed(
      String method, String description, Throwable error, double stageSeconds) {
    return new BaselineRow(
        method,
        description,
        Double.NaN,
        -1,
        -1,
        -1,
        -1,
        -1,
        -1,
        stageSeconds,
        Double.NaN,
        error.getClass().getSimpleName() + ": " + error.getMessage());
  }

  /**
   * Pruned over prunable weights (conv and linear weights but the classifier's); NaN for a failed
   * row.
   */
  public double sparsity() {
    return prunable <= 0 ? Double.NaN : (double) pruned / prunable;
  }

  /** Whether this method failed; {@code error} then says why and the figures are NaN or -1. */
  public boolean failed() {
    return error != null;
  }

  /** The Markdown table header, matching {@link #markdown()}. */
  public static String markdownHeader() {
    return "| method | test acc | MACs (dense) | MACs (sparse) | params (dense) | params (sparse) |"
        + " sparsity | stage s | total s |\n"
        + "|---|---|---|---|---|---|---|---|---|";
  }

  /** This row as a Markdown table line. */
  public String markdown() {
    if (failed()) {
      return String.format(
          Locale.ROOT,
          "| %s | failed: %s | | | | | | %.1f | |",
          description,
          error.replace('|', '/').replace('\n', ' '),
          stageSeconds);
    }
    return String.format(
        Locale.ROOT,
        "| %s | %.4f | %,d | %,d | %,d | %,d | %.3f | %.1f | %.1f |",
        description,
        testAccuracy,
        macs,
        sparseMacs,
        params,
        sparseParams,
        sparsity(),
        stageSeconds,
        totalSeconds);
  }

  /** This row for the JSON report; figures of a failed row are null. */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", method);
    m.put("description", description);
    m.put("testAccuracy", failed() ? null : testAccuracy);
    m.put("macs", failed() ? null : macs);
    m.put("sparseMacs", failed() ? null : sparseMacs);
    m.put("params", failed() ? null : params);
    m.put("sparseParams", failed() ? null : sparseParams);
    m.put("prunableWeights", failed() ? null : prunable);
    m.put("prunedWeights", failed() ? null : pruned);
    m.put("sparsity", failed() ? null : sparsity());
    m.put("stageSeconds", stageSeconds);
    m.put("totalSeconds", failed() ? null : totalSeconds);
    m.put("error", error);
    return m;
  }
}

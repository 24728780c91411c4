package dev.supertickets.sweep;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.io.Json;
import dev.supertickets.nn.Profiler;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.train.Metrics;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one cell drew, measured on its test set.
 *
 * @param cell the cell
 * @param sparsity the ticket's sparsity
 * @param testAccuracy accuracy on the cell's test set
 * @param testLoss mean cross-entropy there
 * @param macs dense MACs of one image
 * @param sparseMacs MACs of the active weights
 * @param params dense parameters
 * @param sparseParams active parameters
 * @param seconds wall time of the draw in the attempt that finished it (a resumed draw counts only
 *     that attempt)
 * @param resumed whether the draw continued from a checkpoint of an earlier attempt
 */
public record SweepRow(
    SweepCell cell,
    double sparsity,
    double testAccuracy,
    double testLoss,
    long macs,
    long sparseMacs,
    long params,
    long sparseParams,
    double seconds,
    boolean resumed) {
  /** Checks the cell is there. */
  public SweepRow {
    checkNotNull(cell, "cell must not be null");
  }

  /** The row of {@code ticket}, drawn by {@code cell}, evaluated as {@code metrics}. */
  public static SweepRow of(
      SweepCell cell, SuperTicket ticket, Metrics metrics, double seconds, boolean resumed) {
    Profiler.Cost c = ticket.cost();
    return new SweepRow(
        cell,
        ticket.sparsity(),
        metrics.accuracy(),
        metrics.loss(),
        c.macs(),
        c.sparseMacs(),
        c.params(),
        c.sparseParams(),
        seconds,
        resumed);
  }

  /** The fields by name, the cell's among them. */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>(cell.asMap());
    m.put("id", cell.id());
    m.put("ticketSparsity", sparsity);
    m.put("testAccuracy", testAccuracy);
    m.put("testLoss", testLoss);
    m.put("macs", macs);
    m.put("sparseMacs", sparseMacs);
    m.put("params", params);
    m.put("sparseParams", sparseParams);
    m.put("seconds", seconds);
    m.put("resumed", resumed);
    return m;
  }

  /** One line of JSON, as the row file holds it. */
  public String toJson() {
    return Json.write(asMap());
  }

  /** The row {@link #toJson} wrote. */
  public static SweepRow fromJson(String json) {
    Object tree = Json.parse(json);
    checkArgument(tree instanceof Map<?, ?>, "a sweep row is a JSON object, got %s", json);
    Map<?, ?> m = (Map<?, ?>) tree;
    SweepCell cell = SweepCell.fromMap(m);
    return new SweepRow(
        cell,
        number(m, "ticketSparsity").doubleValue(),
        number(m, "testAccuracy").doubleValue(),
        number(m, "testLoss").doubleValue(),
        number(m, "macs").longValue(),
        number(m, "sparseMacs").longValue(),
        number(m, "params").longValue(),
        number(m, "sparseParams").longValue(),
        number(m, "seconds").doubleValue(),
        Boolean.TRUE.equals(m.get("resumed")));
  }

  /** A Markdown table row under {@link #MARKDOWN_HEADER}. */
  public String markdown() {
    return String.format(
        Locale.ROOT,
        "| %s | %.2f | %d | %.4f | %.4f | %,d | %,d | %d | %.1f%s |",
        cell.method(),
        cell.sparsity(),
        cell.seed(),
        sparsity,
        testAccuracy,
        sparseMacs,
        sparseParams,
        cell.epochs(),
        seconds,
        resumed ? " (resumed)" : "");
  }

  /** The header of {@link #markdown} rows. */
  public static final String MARKDOWN_HEADER =
      "| method | target | seed | sparsity | test acc | MACs (sparse) | params (sparse) | epochs |"
          + " draw s |\n"
          + "|---|---|---|---|---|---|---|---|---|";

  private static Number number(Map<?, ?> m, String key) {
    Object v = m.get(key);
    checkArgument(v instanceof Number, "sweep row field %s must be a number, got %s", key, v);
    return (Number) v;
  }
}

package dev.supertickets.report;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

/**
 * A comparison plot: test accuracy against sparsity, one line a method, as the ticket-family
 * comparison draws it. Build it point by point, then encode it as PNG bytes (the caller writes
 * them, atomically).
 */
public final class SparsityPlot {
  /**
   * One measured ticket: its sparsity in [0, 1] and its test accuracy (or another metric) in [0,
   * 1].
   */
  public record Point(double sparsity, double accuracy) {
    /** Validates the point. */
    public Point {
      checkArgument(sparsity >= 0 && sparsity <= 1, "sparsity must be in [0, 1], got %s", sparsity);
      checkArgument(
          Double.isFinite(accuracy),
          "accuracy must be finite, got %s; leave failed runs out",
          accuracy);
    }
  }

  private final String title;
  private final String metric;
  private final Map<String, List<Point>> lines = new LinkedHashMap<>();

  /** An empty plot with a title and the name of the y axis (e.g. "test accuracy"). */
  public SparsityPlot(String title, String metric) {
    this.title = checkNotNull(title, "title must not be null");
    this.metric = checkNotNull(metric, "metric name must not be null; e.g. \"test accuracy\"");
  }

  /** Adds a point to the line of {@code method} (lines keep the order of their first point). */
  public SparsityPlot add(String method, double sparsity, double accuracy) {
    checkNotNull(method, "method must not be null");
    lines.computeIfAbsent(method, k -> new ArrayList<>()).add(new Point(sparsity, accuracy));
    return this;
  }

  /** The points of every line, sorted by sparsity. */
  public ImmutableMap<String, ImmutableList<Point>> lines() {
    ImmutableMap.Builder<String, ImmutableList<Point>> out = ImmutableMap.builder();
    lines.forEach(
        (k, v) ->
            out.put(k, ImmutableList.sortedCopyOf(Comparator.comparingDouble(Point::sparsity), v)));
    return out.buildOrThrow();
  }

  /** The plot as PNG bytes; x is sparsity in percent. */
  public byte[] png() throws IOException {
    checkArgument(
        !lines.isEmpty(),
        "the plot has no point; add at least one with add(method, sparsity, accuracy)");
    // the legend sits outside the plot, so the chart is wider than the report's others
    XYChart c = Charts.lines(title, "sparsity (%)", metric, Charts.WIDTH + 240);
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setXAxisDecimalPattern("0");
    c.getStyler().setYAxisDecimalPattern("0.00");
    lines()
        .forEach(
            (method, points) -> {
              double[] x = points.stream().mapToDouble(p -> 100 * p.sparsity()).toArray();
              double[] y = points.stream().mapToDouble(Point::accuracy).toArray();
              Charts.series(c, method, x, y);
            });
    return Charts.png(c);
  }
}

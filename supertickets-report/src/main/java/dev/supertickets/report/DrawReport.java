package dev.supertickets.report;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.supertickets.draw.DrawListener.DrawEvent;
import dev.supertickets.draw.DrawListener.DrawSummary;
import dev.supertickets.io.AtomicFiles;
import dev.supertickets.io.Json;
import dev.supertickets.nn.Profiler;
import dev.supertickets.space.SupernetCost;
import dev.supertickets.supernet.Architecture;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.train.Metrics;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;

/**
 * The report of one draw: a Markdown page ({@value #MARKDOWN}) with the result, the run's settings
 * (the ticket's provenance), per-epoch figures and five PNG plots beside it: accuracy and loss
 * curves, the sparsity ramp, MACs per image as the architecture shrinks, and the density of every
 * masked layer of the final ticket; plus the history as JSON ({@value #HISTORY_JSON}). Every file
 * is written atomically.
 *
 * <pre>{@code
 * DrawRecorder recorder = new DrawRecorder();
 * SuperTicket ticket = SuperTicketsDrawer.builder(space).listener(recorder).build().draw(train, test);
 * DrawReport.builder(recorder.history(), ticket).testMetrics(ticket.evaluate(test)).build().write(dir);
 * }</pre>
 */
public final class DrawReport {
  public static final String MARKDOWN = "report.md";
  public static final String HISTORY_JSON = "history.json";
  public static final String ACCURACY_PNG = "accuracy.png";
  public static final String LOSS_PNG = "loss.png";
  public static final String SPARSITY_PNG = "sparsity.png";
  public static final String MACS_PNG = "macs.png";
  public static final String DENSITY_PNG = "layer-density.png";

  /** The plots, in the order the page shows them. */
  public static final ImmutableList<String> PLOTS =
      ImmutableList.of(ACCURACY_PNG, LOSS_PNG, SPARSITY_PNG, MACS_PNG, DENSITY_PNG);

  private final DrawHistory history;
  private final SuperTicket ticket;
  private final Metrics testMetrics;
  private final String testData;
  private final String title;
  private final ImmutableList<LayerDensity> layers;

  private DrawReport(Builder b) {
    this.history = b.history;
    this.ticket = b.ticket;
    this.testMetrics = b.testMetrics;
    this.testData = b.testData;
    this.title =
        b.title != null
            ? b.title
            : "SuperTickets draw: " + ticket.space().name() + ", " + provenance("method", "draw");
    this.layers = LayerDensity.of(ticket);
  }

  /**
   * A report of a finished draw and the ticket it returned.
   *
   * @throws IllegalArgumentException if the history has no summary (the draw has not finished) or
   *     no epochs
   */
  public static Builder builder(DrawHistory history, SuperTicket ticket) {
    return new Builder(history, ticket);
  }

  /** The page, linking the PNGs by their file names (so the directory can be moved as a whole). */
  public String markdown() {
    DrawSummary s = history.requireSummary();
    SupernetCost supernet = ticket.space().cost();
    Profiler.Cost cost = ticket.cost();
    Architecture full = Architecture.full(ticket.space());
    StringBuilder md = new StringBuilder();
    md.append("# ").append(title).append("\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "%d epochs in %s on %s / %s, seed %s.%n%n",
            history.epochs().size(),
            duration(s.elapsedMillis()),
            provenance("data.train", "?"),
            provenance("data.test", "?"),
            provenance("seed", "?")));

    md.append("## Result\n\n| | supernet | ticket |\n|---|---|---|\n");
    if (testMetrics != null) {
      md.append(
          String.format(
              Locale.ROOT,
              "| test accuracy%s | | %.4f |%n",
              testData == null ? "" : " (" + testData + ")",
              testMetrics.accuracy()));
      md.append(String.format(Locale.ROOT, "| test loss | | %.4f |%n", testMetrics.loss()));
    } else if (!Double.isNaN(s.testAccuracy())) {
      md.append(
          String.format(
              Locale.ROOT, "| test accuracy (last evaluation) | | %.4f |%n", s.testAccuracy()));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "| MACs per image, dense | %,d | %,d (%.1f%%) |%n",
            supernet.macs(),
            cost.macs(),
            100.0 * cost.macs() / supernet.macs()));
    md.append(
        String.format(
            Locale.ROOT,
            "| MACs per image, active weights only | %,d | %,d (%.1f%%) |%n",
            supernet.macs(),
            cost.sparseMacs(),
            100.0 * cost.sparseMacs() / supernet.macs()));
    md.append(
        String.format(
            Locale.ROOT,
            "| parameters, dense / active | %,d | %,d / %,d |%n",
            supernet.trainableParams(),
            cost.params(),
            cost.sparseParams()));
    md.append(
        String.format(
            Locale.ROOT, "| sparsity of the masked weights | 0 | %.3f |%n", ticket.sparsity()));
    md.append(
        String.format(
            Locale.ROOT,
            "| searchable hidden channels | %,d | %,d in %d paths |%n",
            full.totalHidden(),
            ticket.architecture().totalHidden(),
            ticket.architecture().livePaths()));
    if (s.hasMacsBudget()) {
      md.append(
          String.format(
              Locale.ROOT,
              "| MACs budget | | %,d, %s |%n",
              s.macsBudget(),
              !s.macsBudgetMet()
                  ? "not met"
                  : s.macsBudgetMetEpoch() == 0
                      ? "met before training"
                      : "met after epoch " + s.macsBudgetMetEpoch()));
    }
    md.append(
        String.format(
            Locale.ROOT, "| wall time of the draw | | %s |%n%n", duration(s.elapsedMillis())));

    md.append("## Training\n\n");
    md.append("![accuracy](").append(ACCURACY_PNG).append(")\n\n");
    md.append("![loss](").append(LOSS_PNG).append(")\n\n");
    md.append(
        "Train loss is the objective the optimiser saw (cross-entropy plus L2 and the"
            + " resource-aware penalty), train accuracy that of the training batches, both means"
            + " over the epoch; test accuracy is measured with EMA weights and re-calibrated BN"
            + " after the epoch's cut and prune"
            + (testMetrics == null
                ? ""
                : ", and the final ticket's test cross-entropy is the last point of the loss "
                    + "plot")
            + ".\n\n");
    md.append("## Pruning and search\n\n");
    md.append("![sparsity](").append(SPARSITY_PNG).append(")\n\n");
    md.append("![MACs](").append(MACS_PNG).append(")\n\n");
    md.append(
        "Epoch 0 is the dense supernet. Dense MACs count every weight of the cut architecture;"
            + " active MACs only the weights the masks keep.\n\n");
    md.append(
        "| epoch | train loss | train acc | test acc | sparsity | MACs | active MACs | channels |"
            + " event | time |\n"
            + "|---|---|---|---|---|---|---|---|---|---|\n");
    for (DrawEvent e : history.epochs()) {
      String event =
          (e.shrunk() ? "cut" : "")
              + (e.shrunk() && e.pruned() ? ", " : "")
              + (e.pruned() ? "prune" : "");
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %.4f | %.4f | %s | %.3f | %,d | %,d | %d | %s | %s |%n",
              e.epoch() + 1,
              e.trainLoss(),
              e.trainAccuracy(),
              Double.isNaN(e.testAccuracy())
                  ? ""
                  : String.format(Locale.ROOT, "%.4f", e.testAccuracy()),
              e.sparsity(),
              e.macs(),
              e.sparseMacs(),
              e.hiddenChannels(),
              event,
              duration(e.elapsedMillis())));
    }
    md.append('\n');

    md.append("## The ticket's layers\n\n");
    md.append("![density per layer](").append(DENSITY_PNG).append(")\n\n");
    md.append("Hidden channels per path (kept / supernet):\n\n| block |");
    List<Integer> kernels = ticket.space().block().kernelSizes();
    kernels.forEach(k -> md.append(" k").append(k).append(" |"));
    md.append("\n|---|").append("---|".repeat(kernels.size())).append('\n');
    ticket
        .architecture()
        .hidden()
        .forEach(
            (block, hidden) -> {
              md.append("| ").append(block).append(" |");
              for (int i = 0; i < hidden.size(); i++) {
                md.append(' ')
                    .append(hidden.get(i))
                    .append('/')
                    .append(full.of(block).get(i))
                    .append(" |");
              }
              md.append('\n');
            });
    md.append("\n<details><summary>Masked layers (")
        .append(layers.size())
        .append(")</summary>\n\n")
        .append("| layer | shape | weights | kept | density |\n|---|---|---|---|---|\n");
    for (LayerDensity l : layers) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %,d | %,d | %.3f |%n",
              l.shortName(),
              l.shapeText(),
              l.weights(),
              l.active(),
              l.density()));
    }
    md.append("\n</details>\n\n");

    md.append("## Settings and provenance\n\n| key | value |\n|---|---|\n");
    ticket
        .provenance()
        .entries()
        .forEach(
            (k, v) ->
                md.append("| ")
                    .append(k)
                    .append(" | ")
                    .append(v.replace("|", "\\|").replace("\n", " "))
                    .append(" |\n"));
    md.append("\nPer-epoch figures as JSON: [")
        .append(HISTORY_JSON)
        .append("](")
        .append(HISTORY_JSON)
        .append(").\n");
    return md.toString();
  }

  /**
   * Writes the page, the history and the plots into {@code dir} (created if needed), each file
   * atomically.
   *
   * @return the files written, the page first
   */
  public ImmutableList<Path> write(Path dir) throws IOException {
    checkNotNull(dir, "report directory must not be null");
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(MARKDOWN, markdown().getBytes(StandardCharsets.UTF_8));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("history", history.toJsonTree());
    json.put("provenance", new LinkedHashMap<String, Object>(ticket.provenance().entries()));
    files.put(HISTORY_JSON, (Json.writePretty(json) + "\n").getBytes(StandardCharsets.UTF_8));
    files.put(ACCURACY_PNG, Charts.png(accuracyChart()));
    files.put(LOSS_PNG, Charts.png(lossChart()));
    files.put(SPARSITY_PNG, Charts.png(sparsityChart()));
    files.put(MACS_PNG, Charts.png(macsChart()));
    files.put(
        DENSITY_PNG,
        Charts.png(
            Charts.density(
                layers.stream().map(LayerDensity::shortName).toList(),
                layers.stream().map(LayerDensity::density).toList())));
    List<Path> written = new ArrayList<>();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Path p = dir.resolve(f.getKey());
      AtomicFiles.write(p, f.getValue());
      written.add(p);
    }
    return ImmutableList.copyOf(written);
  }

  private XYChart accuracyChart() {
    XYChart c = Charts.lines("Accuracy", "accuracy");
    double[] x = epochs(false);
    Charts.series(c, "train", x, values(DrawEvent::trainAccuracy));
    if (history.epochs().stream().anyMatch(e -> !Double.isNaN(e.testAccuracy()))) {
      Charts.series(c, "test", x, values(DrawEvent::testAccuracy));
    }
    c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
    return c;
  }

  private XYChart lossChart() {
    XYChart c = Charts.lines("Loss", "loss");
    double[] x = epochs(false);
    Charts.series(c, "train objective", x, values(DrawEvent::trainLoss));
    if (testMetrics != null) {
      Charts.series(
          c,
          "test cross-entropy (ticket)",
          new double[] {x[x.length - 1]},
          new double[] {testMetrics.loss()});
    }
    return c;
  }

  private XYChart sparsityChart() {
    XYChart c = Charts.lines("Sparsity of the prunable weights", "sparsity");
    double[] x = epochs(true);
    Charts.series(c, "sparsity", x, withStart(0, values(DrawEvent::sparsity)));
    double target = parse(provenance("targetSparsity", "NaN"));
    if (target > 0) {
      Charts.level(c, "target", x, target, Color.GRAY);
    }
    c.getStyler().setYAxisMin(0.0);
    c.getStyler().setYAxisMax(1.0);
    c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
    return c;
  }

  private XYChart macsChart() {
    XYChart c = Charts.lines("MACs per image", "MMACs");
    double[] x = epochs(true);
    double dense = ticket.space().cost().macs() / 1e6;
    Charts.series(c, "dense (architecture)", x, withStart(dense, values(e -> e.macs() / 1e6)));
    Charts.series(c, "active weights only", x, withStart(dense, values(e -> e.sparseMacs() / 1e6)));
    DrawSummary s = history.requireSummary();
    if (s.hasMacsBudget()) {
      Charts.level(c, "budget", x, s.macsBudget() / 1e6, Color.GRAY);
    }
    c.getStyler().setYAxisMin(0.0);
    return c;
  }

  private double[] epochs(boolean withZero) {
    int n = history.epochs().size();
    double[] x = new double[withZero ? n + 1 : n];
    for (int i = 0; i < x.length; i++) {
      x[i] = withZero ? i : i + 1;
    }
    return x;
  }

  private double[] values(java.util.function.ToDoubleFunction<DrawEvent> f) {
    return history.epochs().stream().mapToDouble(f).toArray();
  }

  private static double[] withStart(double start, double[] rest) {
    double[] out = new double[rest.length + 1];
    out[0] = start;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }

  private String provenance(String key, String otherwise) {
    String v = ticket.provenance().get(key);
    return v == null ? otherwise : v;
  }

  private static double parse(String s) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** {@code 4 min 12 s}, {@code 9.3 s}. */
  static String duration(long millis) {
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    long s = Math.round(millis / 1000.0);
    return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
  }

  /** Settings of a report; only the history and the ticket are required. */
  public static final class Builder {
    private final DrawHistory history;
    private final SuperTicket ticket;
    private Metrics testMetrics;
    private String testData;
    private String title;

    private Builder(DrawHistory history, SuperTicket ticket) {
      this.history = checkNotNull(history, "history must not be null; pass recorder.history()");
      this.ticket =
          checkNotNull(ticket, "ticket must not be null; pass the ticket draw() returned");
      checkArgument(
          history.finished() && !history.epochs().isEmpty(),
          "history of %s epochs has no summary; add the DrawRecorder to the drawer with"
              + " listener(recorder) and write the report after draw() returns",
          history.epochs().size());
    }

    /**
     * The final ticket's accuracy and loss on the test data, e.g. {@code ticket.evaluate(test)}.
     */
    public Builder testMetrics(Metrics m) {
      this.testMetrics =
          checkNotNull(
              m, "test metrics must not be null; leave them out when there is no test set");
      return this;
    }

    /**
     * What the test metrics were measured on, shown beside them, e.g. {@code fashion-mnist-test
     * (10000)}.
     */
    public Builder testData(String description) {
      this.testData = checkNotNull(description, "test data description must not be null");
      return this;
    }

    /** The page's title (default: the space and the method). */
    public Builder title(String t) {
      checkArgument(t != null && !t.isBlank(), "title must not be blank, got %s", t);
      this.title = t;
      return this;
    }

    public DrawReport build() {
      return new DrawReport(this);
    }
  }
}

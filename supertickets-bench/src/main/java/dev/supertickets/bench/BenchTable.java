package dev.supertickets.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Collects side-by-side rows and writes them as Markdown and JSON. A row times two sides, "ours"
 * (usually SuperTickets-J) and "peer" (usually PyTorch through DJL; or a baseline such as our own
 * unmasked step), and gives one ratio on median milliseconds per step, defined by its {@link Spec}:
 * a speed-up ({@code peer / ours}, above 1 means ours is faster) or an overhead ({@code ours /
 * peer}), optionally divided by a normaliser (a MACs ratio), and checked against an optional goal.
 * A row that knows its work ({@link Spec#flopsPerStep()}) also gets GFLOP/s and, once the table has
 * the engines' measured peaks ({@link #peak}), the fraction of peak.
 */
public final class BenchTable {

  /** Default output directory, relative to the working directory (the module when run by exec). */
  public static final Path DEFAULT_DIR = Path.of("target", "bench");

  /** Markdown file name written by {@link #write(Path)}. */
  public static final String MARKDOWN_FILE = "bench.md";

  /** JSON file name written by {@link #write(Path)}. */
  public static final String JSON_FILE = "bench.json";

  private final String title;
  private final Map<String, String> environment = new LinkedHashMap<>();
  private final List<Row> rows = new ArrayList<>();
  private final Map<String, Double> peaks = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();

  /**
   * Creates an empty table.
   *
   * @param title heading of the Markdown output
   */
  public BenchTable(String title) {
    this.title = Objects.requireNonNull(title, "title");
  }

  /**
   * The engine a side runs on, whose measured matmul peak its fraction of peak is taken against.
   */
  public enum Engine {
    /** SuperTickets-J on ND4J (and its Java kernels). */
    ND4J,
    /** PyTorch through DJL. */
    PYTORCH,
    /** ONNX Runtime for Java on an exported ticket (its threads are the session's). */
    ONNX_RUNTIME
  }

  /** How a row's ratio is formed from the two medians. */
  public enum Ratio {
    /** {@code peer / ours}: above 1 means ours is faster. */
    SPEED_UP("peer / ours"),
    /** {@code ours / peer}: the cost of ours relative to the peer, below 1 is cheaper. */
    OVERHEAD("ours / peer");

    private final String formula;

    Ratio(String formula) {
      this.formula = formula;
    }

    /**
     * @return the formula on medians, e.g. "peer / ours"
     */
    public String formula() {
      return formula;
    }
  }

  /**
   * A target for a row's ratio.
   *
   * @param value the bound
   * @param atLeast true for {@code ratio >= value}, false for {@code ratio <= value}
   */
  public record Goal(double value, boolean atLeast) {
    /**
     * Whether a ratio meets this goal.
     *
     * @param ratio a ratio, NaN when unknown
     * @return whether it meets the goal (false when NaN)
     */
    public boolean met(double ratio) {
      return !Double.isNaN(ratio) && (atLeast ? ratio >= value : ratio <= value);
    }

    @Override
    public String toString() {
      return (atLeast ? ">= " : "<= ") + fmt("%.2f", value);
    }
  }

  /**
   * What a row compares and how.
   *
   * @param group the section of the issue the row answers, e.g. "1 training"
   * @param threads threads of both sides (0: not set per row)
   * @param oursLabel what the ours side is
   * @param peerLabel what the peer side is
   * @param oursEngine the engine of the ours side
   * @param peerEngine the engine of the peer side
   * @param ratio how the ratio is formed
   * @param normalizer the raw ratio is divided by this (1: none; a MACs ratio for the shrink
   *     payoff)
   * @param goal the target of the ratio, or null
   * @param flopsPerStep floating-point operations of one step of either side (0: unknown)
   */
  public record Spec(
      String group,
      int threads,
      String oursLabel,
      String peerLabel,
      Engine oursEngine,
      Engine peerEngine,
      Ratio ratio,
      double normalizer,
      Goal goal,
      double flopsPerStep) {

    /** SuperTickets-J against PyTorch, speed-up, no goal, no work count. */
    public static final Spec DEFAULT =
        new Spec(
            "",
            0,
            "SuperTickets-J",
            "PyTorch",
            Engine.ND4J,
            Engine.PYTORCH,
            Ratio.SPEED_UP,
            1,
            null,
            0);

    /** Canonical constructor: validates. */
    public Spec {
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(oursLabel, "oursLabel");
      Objects.requireNonNull(peerLabel, "peerLabel");
      Objects.requireNonNull(oursEngine, "oursEngine");
      Objects.requireNonNull(peerEngine, "peerEngine");
      Objects.requireNonNull(ratio, "ratio");
      if (!(normalizer > 0) || threads < 0 || !(flopsPerStep >= 0)) {
        throw new IllegalArgumentException(
            "need normalizer > 0, threads >= 0 and flopsPerStep >= 0, got "
                + normalizer
                + ", "
                + threads
                + ", "
                + flopsPerStep);
      }
    }

    /**
     * SuperTickets-J against PyTorch in a group.
     *
     * @param g group
     * @param t threads
     * @return the spec
     */
    public static Spec of(String g, int t) {
      return DEFAULT.group(g).threads(t);
    }

    /**
     * This spec in another group.
     *
     * @param g the group
     * @return a copy
     */
    public Spec group(String g) {
      return new Spec(
          g,
          threads,
          oursLabel,
          peerLabel,
          oursEngine,
          peerEngine,
          ratio,
          normalizer,
          goal,
          flopsPerStep);
    }

    /**
     * This spec with other threads.
     *
     * @param t the threads
     * @return a copy
     */
    public Spec threads(int t) {
      return new Spec(
          group,
          t,
          oursLabel,
          peerLabel,
          oursEngine,
          peerEngine,
          ratio,
          normalizer,
          goal,
          flopsPerStep);
    }

    /**
     * This spec with other sides.
     *
     * @param ours label of the ours side
     * @param oursOn its engine
     * @param peer label of the peer side
     * @param peerOn its engine
     * @return a copy
     */
    public Spec sides(String ours, Engine oursOn, String peer, Engine peerOn) {
      return new Spec(
          group, threads, ours, peer, oursOn, peerOn, ratio, normalizer, goal, flopsPerStep);
    }

    /**
     * This spec with another ratio.
     *
     * @param r the ratio
     * @param n its normaliser
     * @return a copy
     */
    public Spec ratio(Ratio r, double n) {
      return new Spec(
          group, threads, oursLabel, peerLabel, oursEngine, peerEngine, r, n, goal, flopsPerStep);
    }

    /**
     * This spec with a goal.
     *
     * @param g the goal (null: none)
     * @return a copy
     */
    public Spec goal(Goal g) {
      return new Spec(
          group,
          threads,
          oursLabel,
          peerLabel,
          oursEngine,
          peerEngine,
          ratio,
          normalizer,
          g,
          flopsPerStep);
    }

    /**
     * This spec with a work count.
     *
     * @param f floating-point operations per step
     * @return a copy
     */
    public Spec flops(double f) {
      return new Spec(
          group, threads, oursLabel, peerLabel, oursEngine, peerEngine, ratio, normalizer, goal, f);
    }

    /**
     * @return the ratio's definition, e.g. "peer / ours / 2.00"
     */
    public String ratioDefinition() {
      return ratio.formula() + (normalizer == 1 ? "" : fmt(" / %.3f", normalizer));
    }
  }

  /**
   * One comparison.
   *
   * @param name the benchmark, e.g. "net2 training step, batch 128"
   * @param ours the ours timing, or null when pending, skipped or failed
   * @param peer the peer timing, or null when pending, skipped or failed
   * @param note free text (why a side is missing, the error of a failed side); may be empty
   * @param spec what is compared and how
   */
  public record Row(
      String name, StepBenchmark.Result ours, StepBenchmark.Result peer, String note, Spec spec) {

    /** Canonical constructor. */
    public Row {
      Objects.requireNonNull(name, "name");
      note = note == null ? "" : note;
      spec = spec == null ? Spec.DEFAULT : spec;
    }

    /**
     * A SuperTickets-J against PyTorch row.
     *
     * @param name the benchmark
     * @param ours the SuperTickets-J timing, or null
     * @param peer the PyTorch timing, or null
     * @param note free text; may be null
     */
    public Row(String name, StepBenchmark.Result ours, StepBenchmark.Result peer, String note) {
      this(name, ours, peer, note, Spec.DEFAULT);
    }

    /**
     * @return peer median / ours median (speed-up of ours over the peer), or NaN if a side is
     *     missing
     */
    public double speedUp() {
      return ours != null && peer != null ? peer.medianMs() / ours.medianMs() : Double.NaN;
    }

    /**
     * @return the row's ratio as its spec defines it, or NaN if a side is missing
     */
    public double ratio() {
      if (ours == null || peer == null) {
        return Double.NaN;
      }
      double raw =
          spec.ratio() == Ratio.SPEED_UP
              ? peer.medianMs() / ours.medianMs()
              : ours.medianMs() / peer.medianMs();
      return raw / spec.normalizer();
    }

    /**
     * @return whether the ratio meets the goal, or null when there is no goal
     */
    public Boolean goalMet() {
      return spec.goal() == null ? null : spec.goal().met(ratio());
    }

    /**
     * A side's arithmetic rate.
     *
     * @param r a side's timing, or null
     * @return its GFLOP/s at the median, NaN when unknown
     */
    public double gflops(StepBenchmark.Result r) {
      return r == null || spec.flopsPerStep() == 0
          ? Double.NaN
          : spec.flopsPerStep() / r.medianMs() / 1e6;
    }
  }

  /**
   * Records one environment fact (printed above the table and stored in the JSON).
   *
   * @param key name
   * @param value value; null is stored as "unset"
   * @return this
   */
  public BenchTable env(String key, Object value) {
    environment.put(Objects.requireNonNull(key, "key"), value == null ? "unset" : value.toString());
    return this;
  }

  /**
   * Adds a row.
   *
   * @param row the row
   * @return this
   */
  public BenchTable add(Row row) {
    rows.add(Objects.requireNonNull(row, "row"));
    return this;
  }

  /**
   * Adds a row.
   *
   * @param name the benchmark
   * @param ours the SuperTickets-J timing, or null
   * @param peer the PyTorch timing, or null
   * @return this
   */
  public BenchTable add(String name, StepBenchmark.Result ours, StepBenchmark.Result peer) {
    return add(new Row(name, ours, peer, ""));
  }

  /**
   * Records an engine's measured float32 matmul rate at a thread count, the peak that rows'
   * fractions refer to.
   *
   * @param engine the engine
   * @param threads its threads
   * @param gflops the measured GFLOP/s
   * @return this
   */
  public BenchTable peak(Engine engine, int threads, double gflops) {
    peaks.put(engine + "@" + threads, gflops);
    return this;
  }

  /**
   * An engine's recorded peak.
   *
   * @param engine the engine
   * @param threads its threads
   * @return the GFLOP/s recorded by {@link #peak(Engine, int, double)}, or NaN
   */
  public double peakOf(Engine engine, int threads) {
    return peaks.getOrDefault(engine + "@" + threads, Double.NaN);
  }

  /**
   * Adds a line to the notes under the table (a derived figure such as a break-even point, a
   * caveat).
   *
   * @param line the note
   * @return this
   */
  public BenchTable note(String line) {
    notes.add(Objects.requireNonNull(line, "line"));
    return this;
  }

  /**
   * @return the rows so far (unmodifiable)
   */
  public List<Row> rows() {
    return Collections.unmodifiableList(rows);
  }

  /**
   * @return the environment facts so far (unmodifiable, in insertion order)
   */
  public Map<String, String> environment() {
    return Collections.unmodifiableMap(environment);
  }

  /**
   * @return the notes so far (unmodifiable)
   */
  public List<String> notes() {
    return Collections.unmodifiableList(notes);
  }

  /**
   * A side's fraction of its engine's peak.
   *
   * @param row the row
   * @param ours the ours side (else the peer side)
   * @return achieved GFLOP/s over the recorded peak, NaN when either is unknown
   */
  public double fractionOfPeak(Row row, boolean ours) {
    Spec s = row.spec();
    return row.gflops(ours ? row.ours() : row.peer())
        / peakOf(ours ? s.oursEngine() : s.peerEngine(), Math.max(1, s.threads()));
  }

  /**
   * @return the table and environment as Markdown
   */
  public String toMarkdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# ").append(title).append("\n\n");
    sb.append(
        "Each row times two sides on medians of ms per step; the ratio column says how it is formed"
            + " (peer / ours: a speed-up, above 1 means ours is faster; ours / peer: an overhead)."
            + " GFLOP/s and % of peak count the dense work of a step against the engine's measured"
            + " 1024^3 float32 matmul at the row's threads.\n\n");
    sb.append(
        "| group | benchmark | threads | ours | ours ms (median / mean / min) | peer | peer ms"
            + " (median / mean / min) | images/s (ours / peer) | ratio | ratio = | goal | GFLOP/s"
            + " (ours / peer) | % of peak (ours / peer) | note |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      Spec s = r.spec();
      sb.append("| ")
          .append(cell(s.group()))
          .append(" | ")
          .append(cell(r.name()))
          .append(" | ")
          .append(s.threads() == 0 ? "" : Integer.toString(s.threads()))
          .append(" | ")
          .append(cell(s.oursLabel()))
          .append(" | ")
          .append(times(r.ours()))
          .append(" | ")
          .append(cell(s.peerLabel()))
          .append(" | ")
          .append(times(r.peer()))
          .append(" | ")
          .append(imagesPerSecond(r.ours()))
          .append(" / ")
          .append(imagesPerSecond(r.peer()))
          .append(" | ")
          .append(Double.isNaN(r.ratio()) ? "n/a" : fmt("%.2f", r.ratio()))
          .append(" | ")
          .append(cell(s.ratioDefinition()))
          .append(" | ")
          .append(goal(r))
          .append(" | ")
          .append(opt("%.1f", r.gflops(r.ours())))
          .append(" / ")
          .append(opt("%.1f", r.gflops(r.peer())))
          .append(" | ")
          .append(opt("%.0f%%", 100 * fractionOfPeak(r, true)))
          .append(" / ")
          .append(opt("%.0f%%", 100 * fractionOfPeak(r, false)))
          .append(" | ")
          .append(cell(r.note()))
          .append(" |\n");
    }
    if (!notes.isEmpty()) {
      sb.append("\n## Notes\n\n");
      notes.forEach(n -> sb.append("- ").append(n.replace("\n", " ")).append("\n"));
    }
    sb.append("\n## Environment\n\n| key | value |\n|---|---|\n");
    environment.forEach(
        (k, v) -> sb.append("| ").append(cell(k)).append(" | ").append(cell(v)).append(" |\n"));
    return sb.toString();
  }

  /**
   * @return the table and environment as a JSON object
   */
  public String toJson() {
    StringBuilder sb = new StringBuilder();
    sb.append("{\n  \"title\": ").append(str(title)).append(",\n");
    sb.append("  \"environment\": {");
    boolean first = true;
    for (Map.Entry<String, String> e : environment.entrySet()) {
      sb.append(first ? "\n" : ",\n")
          .append("    ")
          .append(str(e.getKey()))
          .append(": ")
          .append(str(e.getValue()));
      first = false;
    }
    sb.append(first ? "},\n" : "\n  },\n");
    sb.append("  \"peaksGflops\": {");
    first = true;
    for (Map.Entry<String, Double> e : peaks.entrySet()) {
      sb.append(first ? "" : ", ").append(str(e.getKey())).append(": ").append(num(e.getValue()));
      first = false;
    }
    sb.append("},\n  \"notes\": [");
    first = true;
    for (String n : notes) {
      sb.append(first ? "" : ", ").append(str(n));
      first = false;
    }
    sb.append("],\n  \"rows\": [");
    first = true;
    for (Row r : rows) {
      Spec s = r.spec();
      sb.append(first ? "\n" : ",\n");
      first = false;
      sb.append("    {\"group\": ")
          .append(str(s.group()))
          .append(", \"name\": ")
          .append(str(r.name()))
          .append(", \"threads\": ")
          .append(s.threads())
          .append(", \"oursLabel\": ")
          .append(str(s.oursLabel()))
          .append(", \"peerLabel\": ")
          .append(str(s.peerLabel()))
          .append(", \"ours\": ")
          .append(json(r.ours()))
          .append(", \"peer\": ")
          .append(json(r.peer()))
          .append(", \"speedUp\": ")
          .append(num(r.speedUp()))
          .append(", \"ratio\": ")
          .append(num(r.ratio()))
          .append(", \"ratioDefinition\": ")
          .append(str(s.ratioDefinition()))
          .append(", \"goal\": ")
          .append(s.goal() == null ? "null" : str(s.goal().toString()))
          .append(", \"goalMet\": ")
          .append(r.goalMet() == null ? "null" : r.goalMet().toString())
          .append(", \"flopsPerStep\": ")
          .append(num(s.flopsPerStep()))
          .append(", \"oursGflops\": ")
          .append(num(r.gflops(r.ours())))
          .append(", \"peerGflops\": ")
          .append(num(r.gflops(r.peer())))
          .append(", \"oursFractionOfPeak\": ")
          .append(num(fractionOfPeak(r, true)))
          .append(", \"peerFractionOfPeak\": ")
          .append(num(fractionOfPeak(r, false)))
          .append(", \"note\": ")
          .append(str(r.note()))
          .append("}");
    }
    sb.append(first ? "]\n" : "\n  ]\n");
    sb.append("}\n");
    return sb.toString();
  }

  /**
   * Writes {@value #MARKDOWN_FILE} and {@value #JSON_FILE} into {@code dir}, creating it if needed.
   *
   * @param dir output directory
   * @throws IOException if writing fails
   */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(MARKDOWN_FILE), toMarkdown(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(JSON_FILE), toJson(), StandardCharsets.UTF_8);
  }

  /**
   * Prints the Markdown to {@code out}.
   *
   * @param out the stream
   */
  public void print(PrintStream out) {
    out.print(toMarkdown());
    out.flush();
  }

  private static String times(StepBenchmark.Result r) {
    return r == null
        ? "n/a"
        : fmt(
            r.medianMs() < 10 ? "%.3f / %.3f / %.3f" : "%.1f / %.1f / %.1f",
            r.medianMs(),
            r.meanMs(),
            r.minMs());
  }

  private static String goal(Row r) {
    if (r.spec().goal() == null) {
      return "";
    }
    Boolean met = r.goalMet();
    return r.spec().goal() + (Double.isNaN(r.ratio()) ? "" : met ? " met" : " MISSED");
  }

  private static String opt(String format, double v) {
    return Double.isFinite(v) ? fmt(format, v) : "n/a";
  }

  private static String imagesPerSecond(StepBenchmark.Result r) {
    return r == null || Double.isNaN(r.imagesPerSecond())
        ? "n/a"
        : fmt("%.0f", r.imagesPerSecond());
  }

  private static String json(StepBenchmark.Result r) {
    if (r == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder();
    sb.append("{\"name\": ")
        .append(str(r.name()))
        .append(", \"warmup\": ")
        .append(r.warmup())
        .append(", \"steps\": ")
        .append(r.steps())
        .append(", \"batchSize\": ")
        .append(r.batchSize())
        .append(", \"meanMs\": ")
        .append(num(r.meanMs()))
        .append(", \"medianMs\": ")
        .append(num(r.medianMs()))
        .append(", \"minMs\": ")
        .append(num(r.minMs()))
        .append(", \"maxMs\": ")
        .append(num(r.maxMs()))
        .append(", \"imagesPerSecond\": ")
        .append(num(r.imagesPerSecond()))
        .append(", \"samplesMs\": [");
    double[] s = r.samplesMs();
    for (int i = 0; i < s.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(num(s[i]));
    }
    return sb.append("]}").toString();
  }

  private static String num(double v) {
    return Double.isFinite(v) ? fmt("%.3f", v) : "null";
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  static String str(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}

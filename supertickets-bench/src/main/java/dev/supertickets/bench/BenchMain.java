package dev.supertickets.bench;

import dev.supertickets.internal.PathLanes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The performance bench: every row of the issue "faster than PyTorch on the same CPU" in one
 * process sitting, SuperTickets-J against PyTorch 2.7.1 (through DJL 0.35.1) on the same networks,
 * threads, batches and data, and against our own baselines (unmasked step, uncut supernet, dense
 * GEMM). The rows are listed in {@link BenchRows}.
 *
 * <p>Run from the repository root, after {@code mvn -q -B install -DskipTests}:
 *
 * <pre>
 *   mvn -q -pl supertickets-bench exec:exec                      # the full sitting, about 10 minutes
 *   mvn -q -pl supertickets-bench exec:exec -Dbench.quick=true   # the smoke run, a minute or two
 * </pre>
 *
 * The exec configuration forks a JVM with {@code OMP_NUM_THREADS=1}, {@code -Dai.djl.offline=true},
 * {@code -Dai.djl.pytorch.num_interop_threads=1} and {@code DJL_CACHE_DIR=target/djl-cache}; each
 * row then sets both sides to its own thread count ({@link Threads}). Results go to stdout and to
 * {@code target/bench/bench.md} and {@code target/bench/bench.json} (see {@link BenchTable}).
 *
 * <p>Settings (system property, or the command-line flag after it): {@code bench.warmup} / {@code
 * --warmup N} (default 2), {@code bench.warmupSeconds} / {@code --warmup-seconds S} (least warm-up
 * time per side, default 3; 0 in the smoke run), {@code bench.steps} / {@code --steps N} (most
 * timed steps, default 20), {@code bench.budget} / {@code --budget S} (seconds of timed steps per
 * side, default 5), {@code bench.quick} / {@code --quick true} (the smoke plan), {@code
 * bench.outDir} / {@code --out DIR} (default target/bench), {@code bench.only} / {@code --only
 * ours|peer|both} (default both), {@code bench.rows} / {@code --rows a,b} (rows whose group or name
 * starts with one of these; default all).
 *
 * <p>Exit status: 0 when every side that was run succeeded, 1 when a side failed, 2 on bad
 * arguments.
 */
public final class BenchMain {

  /**
   * One side of a row. Sides with equal keys are timed once per sitting and the result reused.
   *
   * @param key identifies the measurement (network, batch, threads)
   * @param step builds the step; null, or a supplier that returns null, is a side that does not run
   *     here
   * @param missing the note for a side that does not run ("pending" by default)
   */
  public record Side(String key, Supplier<? extends TimedStep> step, String missing) {
    /** Canonical constructor. */
    public Side {
      Objects.requireNonNull(key, "key");
      missing = missing == null ? "pending" : missing;
    }

    /**
     * A side that is pending when the supplier is null or returns null.
     *
     * @param key identifies the measurement
     * @param step builds the step
     */
    public Side(String key, Supplier<? extends TimedStep> step) {
      this(key, step, null);
    }

    /** The step, or null for a side that does not run here. */
    TimedStep build() {
      return step == null ? null : step.get();
    }
  }

  /**
   * One comparison.
   *
   * @param name row label
   * @param ours the measured side
   * @param peer the side it is compared with
   * @param spec labels, threads, ratio, goal and work
   * @param peak whether this row measures the engines' matmul peaks (its GFLOP/s become the peaks)
   */
  public record BenchRow(String name, Side ours, Side peer, BenchTable.Spec spec, boolean peak) {
    /** Canonical constructor. */
    public BenchRow {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(ours, "ours");
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(spec, "spec");
    }
  }

  /** Default warm-up steps per side. */
  public static final int DEFAULT_WARMUP = 2;

  /**
   * Default least warm-up time per side: HotSpot compiles a step's loops after thousands of
   * iterations, which a step at batch 1 reaches after some 60 steps (3.5 s), not after 2.
   */
  public static final double DEFAULT_WARMUP_SECONDS = 3;

  /** Default seconds of timed steps per side. */
  public static final double DEFAULT_BUDGET_SECONDS = 5;

  private BenchMain() {}

  /**
   * Entry point.
   *
   * @param args optional flags: --warmup N, --steps N, --budget S, --quick true, --out DIR, --only
   *     ours|peer|both, --rows a,b
   */
  public static void main(String[] args) {
    // a row's threads are ND4J's and the fork-join pool's only: the blocks' paths stay in one lane
    // (path lanes would add a helper thread; PathLanesProbe measures them)
    PathLanes.use(1);
    int status;
    try {
      Options options = Options.parse(args);
      BenchRows rows = new BenchRows(options.quick() ? BenchRows.Plan.QUICK : BenchRows.Plan.FULL);
      status =
          run(
              options,
              rows.rows(),
              table -> {
                String note = rows.breakEven(table);
                if (note != null) {
                  table.note(note);
                }
              });
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      status = 2;
    }
    System.exit(status);
  }

  /**
   * Runs the given rows and writes the table.
   *
   * @param options settings
   * @param rows rows to run
   * @param summary adds derived notes once every row ran
   * @return the exit status: 0 when every side that was run succeeded, else 1
   */
  public static int run(Options options, List<BenchRow> rows, Consumer<BenchTable> summary) {
    long start = System.nanoTime();
    StepBenchmark bench =
        new StepBenchmark(
            options.warmup(), options.steps(), options.budgetSeconds(), options.warmupSeconds());
    BenchTable table =
        new BenchTable(
            "SuperTickets-J vs PyTorch: performance bench"
                + (options.quick() ? " (quick smoke run: figures not meaningful)" : ""));
    Environment.recordBasics(table, bench);
    System.out.println(
        "SuperTickets-J bench: "
            + bench.warmup()
            + " warm-up steps and "
            + bench.warmupSeconds()
            + " s at least + up to "
            + bench.steps()
            + " timed steps ("
            + bench.budgetSeconds()
            + " s budget) per side; cores "
            + Runtime.getRuntime().availableProcessors()
            + ", OMP_NUM_THREADS="
            + Objects.toString(System.getenv("OMP_NUM_THREADS"), "unset"));
    Map<String, Measured> done = new HashMap<>();
    boolean failed = false;
    boolean peerRan = false;
    for (BenchRow row : rows) {
      if (!options.selects(row.spec().group(), row.name())) {
        continue;
      }
      BenchTable.Spec spec = row.spec();
      Measured ours;
      Measured peer;
      if (paired(row, options)) {
        Measured[] both = measurePaired(bench, done, row);
        ours = both[0];
        peer = both[1];
      } else {
        ours =
            options.runOurs()
                ? measure(
                    bench,
                    done,
                    row.ours(),
                    spec.oursEngine(),
                    spec.threads(),
                    spec.oursLabel() + ": " + row.name())
                : Measured.SKIPPED;
        peer =
            options.runPeer()
                ? measure(
                    bench,
                    done,
                    row.peer(),
                    spec.peerEngine(),
                    spec.threads(),
                    spec.peerLabel() + ": " + row.name())
                : Measured.SKIPPED;
      }
      peerRan |=
          spec.peerEngine() == BenchTable.Engine.PYTORCH && peer.result() != null
              || spec.oursEngine() == BenchTable.Engine.PYTORCH && ours.result() != null;
      failed |= ours.failed() || peer.failed();
      List<String> notes = new ArrayList<>();
      if (!ours.note().isEmpty()) {
        notes.add(spec.oursLabel() + " " + ours.note());
      }
      if (!peer.note().isEmpty()) {
        notes.add(spec.peerLabel() + " " + peer.note());
      }
      BenchTable.Row r =
          new BenchTable.Row(
              row.name(), ours.result(), peer.result(), String.join("; ", notes), spec);
      table.add(r);
      if (row.peak()) {
        int t = Math.max(1, spec.threads());
        table.peak(spec.oursEngine(), t, r.gflops(r.ours()));
        table.peak(spec.peerEngine(), t, r.gflops(r.peer()));
      }
      System.out.printf(
          Locale.ROOT,
          "  => %s: ratio %.3f (%s)%s%n",
          row.name(),
          r.ratio(),
          spec.ratioDefinition(),
          spec.goal() == null ? "" : ", goal " + spec.goal() + (r.goalMet() ? " met" : " not met"));
    }
    if (peerRan) {
      Environment.recordPyTorch(table);
    }
    summary.accept(table);
    table.note(
        "Training work = 3 x 2 x MACs x batch floating-point operations (forward 1x, backward 2x:"
            + " the input and the weight gradients); inference = 2 x MACs x batch; MACs are dense"
            + " (masks not subtracted), from SearchSpace.cost() less the cut channels. The sparse"
            + " rows count the dense product's work on both sides.");
    table.env(
        "sitting wall time s",
        String.format(Locale.ROOT, "%.0f", (System.nanoTime() - start) / 1e9));
    System.out.println();
    table.print(System.out);
    try {
      table.write(options.outDir());
      System.out.println(
          "\nwritten: "
              + options.outDir().resolve(BenchTable.MARKDOWN_FILE)
              + ", "
              + options.outDir().resolve(BenchTable.JSON_FILE));
    } catch (IOException e) {
      System.err.println("bench: could not write " + options.outDir() + ": " + e);
      failed = true;
    }
    return failed ? 1 : 0;
  }

  private record Measured(StepBenchmark.Result result, String note, boolean failed) {
    static final Measured SKIPPED = new Measured(null, "not run", false);
  }

  private static Measured measure(
      StepBenchmark bench,
      Map<String, Measured> done,
      Side side,
      BenchTable.Engine engine,
      int threads,
      String label) {
    Measured m = done.get(side.key());
    if (m == null) {
      m =
          threads == 0
              ? timeSide(bench, side, label, () -> {})
              : Threads.inPool(
                  threads,
                  () ->
                      timeSide(
                          bench,
                          side,
                          label + " [" + threadCount(threads) + "]",
                          () -> useThreads(engine, threads)));
      done.put(side.key(), m);
    }
    return m;
  }

  private static String threadCount(int t) {
    return t + " thread" + (t == 1 ? "" : "s");
  }

  /** Sets the engine's threads (PyTorch's or ND4J's) to {@code t}. */
  private static void useThreads(BenchTable.Engine engine, int t) {
    if (engine == BenchTable.Engine.PYTORCH) {
      Threads.torch(t);
    } else if (engine == BenchTable.Engine.ND4J) {
      Threads.nd4j(t);
    } // ONNX Runtime: the side's session was built with t threads
  }

  /**
   * Whether a row's sides are timed in turn ({@link StepBenchmark#runPaired}): two configurations
   * of one engine (mask overhead, shrink, serving forms, sparse path), whose ratio a drift between
   * two separate timings would move by as much as the effect measured.
   */
  static boolean paired(BenchRow row, Options options) {
    BenchTable.Spec spec = row.spec();
    return spec.oursEngine() == spec.peerEngine()
        && spec.threads() > 0
        && !row.peak()
        && options.runOurs()
        && options.runPeer();
  }

  private static Measured[] measurePaired(
      StepBenchmark bench, Map<String, Measured> done, BenchRow row) {
    BenchTable.Spec spec = row.spec();
    String key = row.ours().key() + " | " + row.peer().key();
    Measured a = done.get(key + " #ours");
    Measured b = done.get(key + " #peer");
    if (a == null || b == null) {
      int t = spec.threads();
      String suffix = ": " + row.name() + " [" + threadCount(t) + ", in turn]";
      Measured[] m =
          Threads.inPool(
              t,
              () ->
                  timePair(
                      bench,
                      row,
                      spec.oursLabel() + suffix,
                      spec.peerLabel() + suffix,
                      () -> useThreads(spec.oursEngine(), t)));
      a = m[0];
      b = m[1];
      done.put(key + " #ours", a);
      done.put(key + " #peer", b);
    }
    return new Measured[] {a, b};
  }

  private static Measured[] timePair(
      StepBenchmark bench, BenchRow row, String labelA, String labelB, Runnable threads) {
    TimedStep a = null;
    TimedStep b = null;
    try {
      threads.run();
      a = row.ours().build();
      b = row.peer().build();
      if (a == null || b == null) {
        // a side that does not run here: time the other alone, as an unpaired row would
        Measured ma =
            a == null
                ? new Measured(null, row.ours().missing(), false)
                : timeStep(bench, a, labelA);
        Measured mb =
            b == null
                ? new Measured(null, row.peer().missing(), false)
                : timeStep(bench, b, labelB);
        return new Measured[] {ma, mb};
      }
      System.out.println(labelA + " / " + labelB + ": warming up and timing in turn ...");
      StepBenchmark.Result[] r = bench.runPaired(labelA, a, labelB, b);
      System.out.println("  " + r[0]);
      sanity(a);
      System.out.println("  " + r[1]);
      sanity(b);
      return new Measured[] {new Measured(r[0], "", false), new Measured(r[1], "", false)};
    } catch (RuntimeException | LinkageError e) {
      System.out.println(labelA + " / " + labelB + ": FAILED: " + e);
      e.printStackTrace(System.out);
      Measured failed = new Measured(null, "failed: " + e, true);
      return new Measured[] {failed, failed};
    } finally {
      close(a, labelA);
      close(b, labelB);
    }
  }

  private static Measured timeStep(StepBenchmark bench, TimedStep step, String label) {
    System.out.println(label + ": warming up and timing ...");
    StepBenchmark.Result r = bench.run(label, step);
    System.out.println("  " + r);
    sanity(step);
    return new Measured(r, "", false);
  }

  private static void sanity(TimedStep step) {
    if (step instanceof TorchStep t && t.training()) {
      System.out.printf(
          Locale.ROOT,
          "  sanity: loss on the fixed batch after the steps (eval mode) = %.4f%n",
          t.loss());
    }
  }

  private static void close(TimedStep step, String label) {
    if (step instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        System.out.println(label + ": close failed: " + e);
      }
    }
  }

  private static Measured timeSide(StepBenchmark bench, Side side, String label, Runnable threads) {
    TimedStep step = null;
    try {
      threads.run();
      step = side.build();
      if (step == null) {
        System.out.println(label + ": " + side.missing());
        return new Measured(null, side.missing(), false);
      }
      return timeStep(bench, step, label);
    } catch (RuntimeException | LinkageError e) {
      System.out.println(label + ": FAILED: " + e);
      e.printStackTrace(System.out);
      return new Measured(null, "failed: " + e, true);
    } finally {
      close(step, label);
    }
  }

  /**
   * Benchmark settings.
   *
   * @param warmup fewest warm-up steps
   * @param warmupSeconds least warm-up time per side in seconds
   * @param steps most timed steps
   * @param budgetSeconds seconds of timed steps per side before timing stops (at least 3 steps are
   *     timed)
   * @param quick whether to run the smoke plan
   * @param outDir output directory
   * @param only "ours", "peer" or "both"
   * @param rowPrefixes prefixes of the groups or names of the rows to run; empty means all
   */
  public record Options(
      int warmup,
      double warmupSeconds,
      int steps,
      double budgetSeconds,
      boolean quick,
      Path outDir,
      String only,
      List<String> rowPrefixes) {

    /** Canonical constructor: validates. */
    public Options {
      if (!List.of("ours", "peer", "both").contains(only)) {
        throw new IllegalArgumentException("--only must be ours, peer or both, got " + only);
      }
      rowPrefixes = List.copyOf(rowPrefixes);
    }

    boolean runOurs() {
      return !only.equals("peer");
    }

    boolean runPeer() {
      return !only.equals("ours");
    }

    boolean selects(String group, String rowName) {
      return rowPrefixes.isEmpty()
          || rowPrefixes.stream().anyMatch(p -> group.startsWith(p) || rowName.startsWith(p));
    }

    /**
     * Reads the system properties, then lets the flags override them.
     *
     * @param args command-line flags
     * @return the options
     */
    public static Options parse(String[] args) {
      Cli c = new Cli();
      try {
        new picocli.CommandLine(c).parseArgs(dev.supertickets.cli.Args.of(args));
      } catch (picocli.CommandLine.ParameterException e) {
        throw new IllegalArgumentException(
            e.getMessage()
                + " (known: --warmup N, --warmup-seconds S, --steps N, --budget S, --quick"
                + " true|false, --out DIR, --only ours|peer|both, --rows a,b)",
            e);
      }
      boolean quick =
          c.quick != null
              ? c.quick
              : Boolean.parseBoolean(System.getProperty("bench.quick", "false"));
      int warmup =
          c.warmup != null ? c.warmup : intProperty("bench.warmup", quick ? 1 : DEFAULT_WARMUP);
      int steps =
          c.steps != null
              ? c.steps
              : intProperty("bench.steps", quick ? 3 : StepBenchmark.DEFAULT_STEPS);
      double budget =
          c.budget != null
              ? c.budget
              : doubleProperty("bench.budget", quick ? 0.5 : DEFAULT_BUDGET_SECONDS);
      double warmupSeconds =
          c.warmupSeconds != null
              ? c.warmupSeconds
              : doubleProperty("bench.warmupSeconds", quick ? 0 : DEFAULT_WARMUP_SECONDS);
      Path out =
          c.out != null
              ? c.out
              : Path.of(System.getProperty("bench.outDir", BenchTable.DEFAULT_DIR.toString()));
      String only = c.only != null ? c.only : System.getProperty("bench.only", "both");
      String rows = c.rows != null ? c.rows : System.getProperty("bench.rows", "");
      List<String> prefixes = new ArrayList<>();
      for (String p : rows.split(",")) {
        if (!p.isBlank()) {
          prefixes.add(p.strip());
        }
      }
      if (warmup < 0 || steps < 1 || !(budget > 0) || !(warmupSeconds >= 0)) {
        throw new IllegalArgumentException(
            "need warmup >= 0, warmup seconds >= 0, steps >= 1 and budget > 0, "
                + "got "
                + warmup
                + ", "
                + warmupSeconds
                + ", "
                + steps
                + ", "
                + budget);
      }
      return new Options(warmup, warmupSeconds, steps, budget, quick, out, only, prefixes);
    }

    /**
     * The command line; each flag beats the system property of the same setting ({@code
     * -Dbench.warmup}...).
     */
    @picocli.CommandLine.Command(name = "BenchMain")
    static final class Cli {
      @picocli.CommandLine.Option(names = "--warmup")
      Integer warmup;

      @picocli.CommandLine.Option(names = "--warmup-seconds")
      Double warmupSeconds;

      @picocli.CommandLine.Option(names = "--steps")
      Integer steps;

      @picocli.CommandLine.Option(names = "--budget")
      Double budget;

      @picocli.CommandLine.Option(names = "--quick", arity = "1")
      Boolean quick;

      @picocli.CommandLine.Option(names = "--out")
      Path out;

      @picocli.CommandLine.Option(names = "--only")
      String only;

      @picocli.CommandLine.Option(names = "--rows")
      String rows;
    }

    private static int intProperty(String key, int def) {
      String v = System.getProperty(key);
      return v == null || v.isBlank() ? def : parseInt(key, v);
    }

    private static double doubleProperty(String key, double def) {
      String v = System.getProperty(key);
      return v == null || v.isBlank() ? def : parseDouble(key, v);
    }

    private static double parseDouble(String key, String v) {
      try {
        return Double.parseDouble(v.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + ": not a number: " + v);
      }
    }

    private static int parseInt(String key, String v) {
      try {
        return Integer.parseInt(v.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + ": not an integer: " + v);
      }
    }
  }

  /** Environment facts recorded with every run. */
  static final class Environment {

    private Environment() {}

    static void recordBasics(BenchTable table, StepBenchmark bench) {
      Runtime rt = Runtime.getRuntime();
      table
          .env("date", Instant.now())
          .env(
              "java",
              System.getProperty("java.version")
                  + " ("
                  + System.getProperty("java.vm.name")
                  + " "
                  + System.getProperty("java.vm.version")
                  + ")")
          .env(
              "os",
              System.getProperty("os.name")
                  + " "
                  + System.getProperty("os.version")
                  + " "
                  + System.getProperty("os.arch"))
          .env("cpu", cpuModel())
          .env("cores (availableProcessors)", rt.availableProcessors())
          .env("max heap MiB", rt.maxMemory() >> 20)
          .env("OMP_NUM_THREADS", System.getenv("OMP_NUM_THREADS"))
          .env("OMP_WAIT_POLICY", System.getenv("OMP_WAIT_POLICY"))
          .env("warm-up steps (at least)", bench.warmup())
          .env("warm-up time per side s (at least)", bench.warmupSeconds())
          .env("most timed steps", bench.steps())
          .env("timing budget per side s", bench.budgetSeconds())
          .env("ND4J backend", safe(dev.supertickets.tensor.Backend::describe));
    }

    static void recordPyTorch(BenchTable table) {
      table.env("DJL version", safe(ai.djl.engine.Engine::getDjlVersion));
      table.env(
          "PyTorch version",
          safe(() -> ai.djl.engine.Engine.getEngine(TorchStep.ENGINE).getVersion()));
      table.env("ai.djl.offline", System.getProperty("ai.djl.offline"));
      table.env(
          "ai.djl.pytorch.num_threads (requested)",
          System.getProperty("ai.djl.pytorch.num_threads"));
      table.env(
          "ai.djl.pytorch.num_interop_threads (requested)",
          System.getProperty("ai.djl.pytorch.num_interop_threads"));
      table.env("torch intra-op threads (after the last row)", safe(Threads::torchThreads));
      table.env(
          "torch inter-op threads (actual)",
          safe(() -> ai.djl.pytorch.jni.JniUtils.getNumInteropThreads()));
      table.env(
          "DJL_CACHE_DIR",
          Objects.toString(
              System.getProperty("DJL_CACHE_DIR"),
              Objects.toString(System.getenv("DJL_CACHE_DIR"), "unset")));
    }

    private static Object safe(Supplier<?> s) {
      try {
        return s.get();
      } catch (RuntimeException | LinkageError e) {
        return "unavailable (" + e + ")";
      }
    }

    private static String cpuModel() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
          if (line.startsWith("model name")) {
            return line.substring(line.indexOf(':') + 1).strip();
          }
        }
      } catch (IOException | RuntimeException e) {
        // not Linux, or not readable
      }
      return "unknown";
    }
  }
}

package dev.supertickets.experiments;

import static com.google.common.base.Preconditions.checkArgument;

import dev.supertickets.cli.Args;
import dev.supertickets.cli.RecipeOptions;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.DatasetNotFoundException;
import dev.supertickets.data.Normalization;
import dev.supertickets.draw.Recipe;
import dev.supertickets.elastic.ElasticTickets;
import dev.supertickets.io.AtomicFiles;
import dev.supertickets.io.Json;
import dev.supertickets.mask.Scope;
import dev.supertickets.report.SparsityPlot;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.sparse.ImpDrawer;
import dev.supertickets.sweep.SweepMethod;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.Retrainer;
import dev.supertickets.ticket.SuperTicket;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The ticket family side by side, from one command, on one network, one data set and one budget of
 * epochs per training run, at several sparsities (default 0.5, 0.8, 0.9, 0.95):
 *
 * <ul>
 *   <li>{@code dense}: the whole supernet trained once (the reference line);
 *   <li>{@code supertickets}: search and prune in one run;
 *   <li>{@code search+magnitude} and {@code search+magnitude+retrain}: the search-only ticket
 *       pruned one-shot, without and with a retraining run of the same length;
 *   <li>{@code imp}: lottery tickets by iterative magnitude pruning, 20% a level, rewinding to
 *       initialisation, every level a full run; the levels are clamped to hit each sparsity
 *       exactly;
 *   <li>{@code gmp}: gradual magnitude pruning, cubic schedule;
 *   <li>{@code set} and {@code rigl}: dynamic sparse training, ERK densities, cosine drop fraction;
 *   <li>{@code rigl+sup}: Sup-tickets on RigL (cyclic phase at the end, superposed and re-pruned
 *       tickets);
 *   <li>{@code elth}: E-LTH, IMP run on a shallower network of the family ({@code --source-depth}),
 *       its rewound tickets stretched to the network of the table and trained once; compare with
 *       {@code imp}, run directly on it.
 * </ul>
 *
 * The network is {@link SearchSpaces#resnetStyle28(int, int)} at {@code --depth} and {@code
 * --width}; every training run uses the same recipe ({@link Retrainer}: one-cycle AdamW at {@code
 * --lr}, EMA, BN re-calibration) for {@code --epochs} epochs. The table gives every run's total
 * epochs, so IMP's cost is in view. Runs that do not depend on each other go on {@code --threads}
 * threads (each single-threaded ND4J), which does not change any result: every run has its own
 * network and seeded streams.
 *
 * <p>Writes {@code family.md}, {@code family.json} and {@code family.png} (accuracy against
 * sparsity, one line a method) atomically to {@code --out}.
 */
public final class FamilyComparison {
  /** The Markdown table. */
  public static final String MARKDOWN_FILE = "family.md";

  /** The JSON report. */
  public static final String JSON_FILE = "family.json";

  /** The plot. */
  public static final String PLOT_FILE = "family.png";

  private FamilyComparison() {}

  /** The settings of a comparison. */
  @Command(
      name = "FamilyComparison",
      mixinStandardHelpOptions = true,
      description =
          "Runs every ticket-family method at each sparsity and writes family.md/json/png.")
  public static final class Options {
    @picocli.CommandLine.Mixin FashionMnistChoice data = new FashionMnistChoice();

    @Option(
        names = "--space",
        description =
            "run every method on this preset space (reference28, tiny28, default28) instead of the"
                + " ResNet-style network of --depth and --width; E-LTH needs the latter")
    String spaceName;

    @Option(
        names = "--depth",
        defaultValue = "20",
        description = "depth of the network, 6n+2 (default: " + "${DEFAULT-VALUE})")
    int depth;

    @Option(
        names = "--source-depth",
        defaultValue = "14",
        description = "depth of E-LTH's source network (default: ${DEFAULT-VALUE})")
    int sourceDepth;

    @Option(
        names = "--width",
        defaultValue = "16",
        description = "channels of the first stage (default: " + "${DEFAULT-VALUE})")
    int width;

    @Option(
        names = "--sparsities",
        split = ",",
        defaultValue = "0.5,0.8,0.9,0.95",
        description = "target sparsities (default: ${DEFAULT-VALUE})")
    List<Double> sparsities;

    @Option(
        names = "--methods",
        split = ",",
        defaultValue = "dense,supertickets,search+magnitude,imp,gmp,set,rigl,rigl+sup,elth",
        description =
            "methods to run (search+magnitude includes its retrained row; default:"
                + " ${DEFAULT-VALUE})")
    List<String> methods;

    @Option(
        names = "--epochs",
        defaultValue = "3",
        description = "epochs of every training run (default: " + "${DEFAULT-VALUE})")
    int epochs;

    @Option(
        names = "--imp-fraction",
        defaultValue = "0.2",
        description = "IMP's pruning fraction a level (default: ${DEFAULT-VALUE})")
    double impFraction;

    @Option(
        names = "--imp-scope",
        defaultValue = "per-layer",
        description =
            "IMP's (and so E-LTH's) pruning scope: global (OpenLTH's default) or per-layer"
                + " (default: ${DEFAULT-VALUE}; global magnitude empties the 144-weight stem of"
                + " resnet14 by 90 to 95%% sparsity, which leaves the ticket at chance)")
    String impScope;

    @Option(
        names = "--train-limit",
        defaultValue = "0",
        description =
            "seeded random subset of training images, " + "0: all (default: ${DEFAULT-VALUE})")
    int trainLimit;

    @Option(
        names = "--test-limit",
        defaultValue = "0",
        description =
            "seeded random subset of test images, 0: all " + "(default: ${DEFAULT-VALUE})")
    int testLimit;

    @Mixin RecipeOptions recipeOptions = new RecipeOptions();

    /**
     * The recipe every method trains with: the preset (standard unless --recipe says) with the
     * options' changes.
     */
    Recipe recipe() {
      return recipeOptions.recipe();
    }

    SearchSpace space() {
      if (spaceName == null) {
        return SearchSpaces.resnetStyle28(depth, width);
      }
      checkArgument(
          BaselineOptions.SPACES.contains(spaceName),
          "--space must be one of %s, got %s; or leave it out "
              + "for the ResNet-style network of --depth",
          BaselineOptions.SPACES,
          spaceName);
      return SearchSpaces.named(spaceName);
    }

    @Option(
        names = "--seed",
        defaultValue = "1995",
        description = "the one seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
        names = "--threads",
        defaultValue = "2",
        description =
            "independent runs at once, each on one ND4J thread (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(
        names = "--out",
        defaultValue = "target/family",
        description = "report folder (default: " + "${DEFAULT-VALUE})")
    Path out;

    /** Parses {@code args} (also split at white space, as Maven's exec hands them over). */
    public static Options parse(String... args) {
      Options o = new Options();
      new CommandLine(o).parseArgs(Args.split(args));
      o.validate();
      return o;
    }

    void validate() {
      data.check();
      checkArgument(epochs > 0, "--epochs must be positive, got %s; e.g. --epochs 3", epochs);
      checkArgument(
          !sparsities.isEmpty(), "--sparsities must list at least one, e.g. 0.5,0.8,0.9,0.95");
      for (int i = 0; i < sparsities.size(); i++) {
        double s = sparsities.get(i);
        checkArgument(
            s > 0 && s < 1,
            "every sparsity must be in (0, 1), got %s; e.g. --sparsities 0.5,0.9",
            s);
        checkArgument(
            i == 0 || s > sparsities.get(i - 1),
            "--sparsities must increase, got %s; e.g. 0.5,0.8,0.9,0.95",
            sparsities);
      }
      for (String m : methods) {
        checkArgument(METHODS.contains(m), "unknown method %s; the methods are %s", m, METHODS);
      }
      checkArgument(
          sourceDepth < depth,
          "--source-depth must be smaller than --depth (E-LTH stretches), got %s " + "and %s",
          sourceDepth,
          depth);
      checkArgument(
          trainLimit >= 0 && testLimit >= 0,
          "--train-limit and --test-limit must be 0 (all) or " + "positive, got %s and %s",
          trainLimit,
          testLimit);
      checkArgument(
          impScope.equals("global") || impScope.equals("per-layer"),
          "--imp-scope must be global or " + "per-layer, got %s",
          impScope);
      checkArgument(threads >= 1, "--threads must be at least 1, got %s", threads);
      recipe(); // checks --lr, --rho and --batch-size, naming the value
      space();
      checkArgument(
          spaceName == null || !methods.contains("elth"),
          "E-LTH stretches ResNet-style networks: " + "drop elth from --methods or --space %s",
          spaceName);
    }

    Map<String, Object> asMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("data", data.name());
      m.put("network", space().name());
      m.put("elthSource", SearchSpaces.resnetStyle28(sourceDepth, width).name());
      m.put("sparsities", sparsities);
      m.put("methods", methods);
      m.put("epochsPerRun", epochs);
      m.put("impFraction", impFraction);
      m.put("impScope", impScope);
      m.put("trainLimit", trainLimit);
      m.put("testLimit", testLimit);
      m.put("recipe", recipe().entries());
      m.put("seed", seed);
      m.put("threads", threads);
      return m;
    }
  }

  static final List<String> METHODS =
      List.of(
          "dense",
          "supertickets",
          "search+magnitude",
          "imp",
          "gmp",
          "set",
          "rigl",
          "rigl+sup",
          "elth");

  /**
   * One measured ticket.
   *
   * @param target the sparsity asked for (0 for dense runs)
   * @param epochs epochs of training behind the ticket, every run and level counted
   */
  public record Row(String method, double target, BaselineRow measured, int epochs) {
    static String markdownHeader() {
      return "| method | target | sparsity | test acc | MACs (sparse) | params (sparse) | epochs |"
          + " total s |\n"
          + "|---|---|---|---|---|---|---|---|";
    }

    String markdown() {
      BaselineRow r = measured;
      if (r.failed()) {
        return String.format(
            Locale.ROOT,
            "| %s | %.2f | failed: %s | | | | %d | |",
            r.description(),
            target,
            r.error().replace('|', '/').replace('\n', ' '),
            epochs);
      }
      return String.format(
          Locale.ROOT,
          "| %s | %.2f | %.4f | %.4f | %,d | %,d | %d | %.1f |",
          r.description(),
          target,
          r.sparsity(),
          r.testAccuracy(),
          r.sparseMacs(),
          r.sparseParams(),
          epochs,
          r.totalSeconds());
    }

    Map<String, Object> asMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("method", method);
      m.put("target", target);
      m.put("epochs", epochs);
      m.putAll(measured.asMap());
      m.put("method", method);
      return m;
    }
  }

  /** Runs the comparison; {@code --help} lists the options. */
  public static void main(String[] args) throws Exception {
    Options o;
    try {
      CommandLine help = new CommandLine(new Options());
      help.parseArgs(Args.of(args));
      if (help.isUsageHelpRequested()) {
        help.usage(System.out);
        return;
      }
      o = Options.parse(Args.of(args));
    } catch (CommandLine.ParameterException | IllegalArgumentException e) {
      System.err.println(e.getMessage());
      new CommandLine(new Options()).usage(System.err);
      System.exit(2);
      return;
    }
    Backend.init();
    try {
      List<Row> rows = run(o, o.data.train(), o.data.test(), System.out);
      System.out.println();
      System.out.print(markdown(rows));
      System.out.println(
          "written: "
              + o.out.resolve(MARKDOWN_FILE)
              + ", "
              + o.out.resolve(JSON_FILE)
              + ", "
              + o.out.resolve(PLOT_FILE));
    } catch (DatasetNotFoundException e) {
      System.err.println(e.getMessage() + "\nor run on the bundled subset with --data embedded");
      System.exit(1);
    }
  }

  /**
   * Runs every selected method, writes the report to {@code o.out} and returns the rows in table
   * order.
   */
  public static List<Row> run(Options o, Dataset fullTrain, Dataset fullTest, PrintStream log)
      throws IOException, InterruptedException {
    Backend.init();
    long t0 = System.nanoTime();
    Dataset train = Baselines.limit(fullTrain, o.trainLimit, o.seed, "train-limit");
    Dataset test = Baselines.limit(fullTest, o.testLimit, o.seed, "test-limit");
    SearchSpace space = o.space();
    Normalization norm = Normalization.of(train);
    log.printf(
        Locale.ROOT,
        "ticket family on %s (%s) / %s, %d epochs a run, %s%n",
        space.name(),
        train,
        test,
        o.epochs,
        Backend.describe());
    Runs runs = new Runs(o, space, norm, train, test, log);
    Map<String, Supplier<List<Row>>> jobs = new LinkedHashMap<>();
    // the longest jobs first, so that the threads end together
    if (o.methods.contains("imp")) {
      jobs.put("imp", runs::imp);
    }
    if (o.methods.contains("elth")) {
      jobs.put("elth", runs::elth);
    }
    for (String m :
        List.of("supertickets", "search+magnitude", "gmp", "set", "rigl", "rigl+sup", "dense")) {
      if (o.methods.contains(m)) {
        jobs.put(m, () -> runs.byMethod(m));
      }
    }
    List<Row> rows = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(o.threads);
    try {
      List<Future<List<Row>>> futures = new ArrayList<>();
      for (Supplier<List<Row>> job : jobs.values()) {
        futures.add(pool.submit(job::get));
      }
      for (Future<List<Row>> f : futures) {
        try {
          rows.addAll(f.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("a run failed: " + e.getCause(), e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    rows.sort(
        Comparator.comparingInt((Row r) -> METHOD_ORDER.indexOf(r.method()))
            .thenComparingDouble(Row::target));
    write(o, rows, space, train, test, (System.nanoTime() - t0) / 1e9);
    log.printf(Locale.ROOT, "ticket family done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    return rows;
  }

  private static final List<String> METHOD_ORDER =
      List.of(
          "dense",
          "supertickets",
          "search-only",
          "search+magnitude",
          "search+magnitude+retrain",
          "imp",
          "gmp",
          "set",
          "rigl",
          "rigl+sup",
          "elth");

  /** The runs of one comparison: every method with the same recipe. */
  private record Runs(
      Options o,
      SearchSpace space,
      Normalization norm,
      Dataset train,
      Dataset test,
      PrintStream log) {

    /** The setting every method of the table draws in (no checkpoints). */
    SweepMethod.Setting setting() {
      return new SweepMethod.Setting(
          space, o.recipe(), o.epochs, o.seed, norm, train, test, java.util.Optional.empty());
    }

    Retrainer recipe() {
      return SweepMethod.retrainer(setting());
    }

    List<Row> byMethod(String method) {
      List<Row> rows = new ArrayList<>();
      switch (method) {
        case "dense" ->
            rows.add(
                timed(
                    "dense",
                    "dense network, trained",
                    0,
                    o.epochs,
                    () -> SweepMethod.DENSE.draw(setting(), 0),
                    0));
        case "supertickets" -> {
          for (double s : o.sparsities) {
            rows.add(
                timed(
                    "supertickets",
                    "SuperTickets (search + prune in one run)",
                    s,
                    o.epochs,
                    () -> SweepMethod.SUPERTICKETS.draw(setting(), s),
                    0));
          }
        }
        case "search+magnitude" -> {
          long s0 = System.nanoTime();
          SuperTicket searched = SweepMethod.SEARCH_ONLY.draw(setting(), 0);
          double searchSeconds = seconds(s0);
          rows.add(row("search-only", "search only, dense", 0, o.epochs, searched, searchSeconds));
          for (double s : o.sparsities) {
            long p0 = System.nanoTime();
            SuperTicket pruned = SweepMethod.oneShot(setting(), searched, s);
            double pruneSeconds = seconds(p0);
            rows.add(
                row(
                    "search+magnitude",
                    "search, magnitude prune, no retraining",
                    s,
                    o.epochs,
                    pruned,
                    searchSeconds + pruneSeconds));
            rows.add(
                timed(
                    "search+magnitude+retrain",
                    "search, magnitude prune, retrain",
                    s,
                    2 * o.epochs,
                    () -> pruned.retrain(train, test, recipe()),
                    searchSeconds + pruneSeconds));
          }
        }
        case "gmp" -> {
          for (double s : o.sparsities) {
            rows.add(
                timed(
                    "gmp",
                    "GMP (cubic, per layer)",
                    s,
                    o.epochs,
                    () -> SweepMethod.GMP.draw(setting(), s),
                    0));
          }
        }
        case "set", "rigl" -> {
          for (double s : o.sparsities) {
            rows.add(
                timed(
                    method,
                    method.equals("set") ? "SET (ERK)" : "RigL (ERK)",
                    s,
                    o.epochs,
                    () -> SweepMethod.of(method).draw(setting(), s),
                    0));
          }
        }
        case "rigl+sup" -> {
          for (double s : o.sparsities) {
            rows.add(
                timed(
                    method,
                    "Sup-tickets on RigL",
                    s,
                    o.epochs,
                    () -> SweepMethod.RIGL_SUP.draw(setting(), s),
                    0));
          }
        }
        default -> throw new IllegalArgumentException("unknown method " + method);
      }
      return rows;
    }

    ImpDrawer imp(SearchSpace on) {
      return ImpDrawer.builder(on)
          .seed(o.seed)
          .retrainer(recipe())
          .normalization(norm)
          .pruningFraction(o.impFraction)
          .scope(o.impScope.equals("global") ? Scope.GLOBAL : Scope.PER_LAYER)
          .milestones(
              o.sparsities.get(0),
              o.sparsities.stream().skip(1).mapToDouble(Double::doubleValue).toArray())
          .build();
    }

    List<Row> imp() {
      List<Row> rows = new ArrayList<>();
      long s0 = System.nanoTime();
      ImpDrawer.Result r = imp(space).run(train, test);
      double total = seconds(s0);
      for (ImpDrawer.Level level : r.levels()) {
        Double target = targetOf(level.sparsity());
        if (target != null) {
          // the levels share one run; its time is spread over the levels by epochs trained
          double share = total * (level.level() + 1) / r.levels().size();
          rows.add(
              row(
                  "imp",
                  "IMP (20%/level, rewind to init)",
                  target,
                  (level.level() + 1) * o.epochs,
                  level.trained(),
                  share));
        }
      }
      return rows;
    }

    List<Row> elth() {
      List<Row> rows = new ArrayList<>();
      SearchSpace source = SearchSpaces.resnetStyle28(o.sourceDepth, o.width);
      long s0 = System.nanoTime();
      ImpDrawer.Result r = imp(source).run(train, test);
      double impSeconds = seconds(s0);
      for (ImpDrawer.Level level : r.levels()) {
        Double target = targetOf(level.sparsity());
        if (target != null) {
          double impShare = impSeconds * (level.level() + 1) / r.levels().size();
          rows.add(
              timed(
                  "elth",
                  "E-LTH: IMP on depth " + o.sourceDepth + ", stretched, trained once",
                  target,
                  (level.level() + 2) * o.epochs,
                  () ->
                      ElasticTickets.stretch(level.rewound(), space).retrain(train, test, recipe()),
                  impShare));
        }
      }
      return rows;
    }

    Double targetOf(double sparsity) {
      for (double s : o.sparsities) {
        if (Math.abs(s - sparsity) < 1e-3) {
          return s;
        }
      }
      return null;
    }

    Row timed(
        String method,
        String description,
        double target,
        int epochs,
        Supplier<SuperTicket> run,
        double secondsBefore) {
      log.printf(Locale.ROOT, "== %s at %.2f%n", method, target);
      long s0 = System.nanoTime();
      try {
        SuperTicket t = run.get();
        return row(method, description, target, epochs, t, secondsBefore + seconds(s0));
      } catch (RuntimeException e) {
        log.printf(Locale.ROOT, "   %s at %.2f failed: %s%n", method, target, e);
        return new Row(
            method, target, BaselineRow.failed(method, description, e, seconds(s0)), epochs);
      }
    }

    Row row(
        String method,
        String description,
        double target,
        int epochs,
        SuperTicket t,
        double seconds) {
      Row r =
          new Row(
              method,
              target,
              BaselineRow.of(method, description, t, test, seconds, seconds),
              epochs);
      log.println("   " + r.markdown());
      return r;
    }
  }

  static String markdown(List<Row> rows) {
    StringBuilder sb = new StringBuilder(Row.markdownHeader()).append('\n');
    for (Row r : rows) {
      sb.append(r.markdown()).append('\n');
    }
    return sb.toString();
  }

  private static void write(
      Options o, List<Row> rows, SearchSpace space, Dataset train, Dataset test, double wallSeconds)
      throws IOException {
    SparsityPlot plot =
        new SparsityPlot(
            "Fashion-MNIST, " + space.name() + ", " + o.epochs + " epochs a run", "test accuracy");
    for (Row r : rows) {
      if (!r.measured().failed() && !r.method().equals("search-only")) {
        plot.add(
            r.method(),
            r.method().equals("dense") ? 0 : r.measured().sparsity(),
            r.measured().testAccuracy());
      }
    }
    Map<String, Object> env = Baselines.environment(train, test);
    env.put("space", space.toString());
    env.put("wallSeconds", wallSeconds);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("settings", o.asMap());
    json.put("environment", env);
    json.put("rows", rows.stream().map(Row::asMap).toList());
    AtomicFiles.write(
        o.out.resolve(JSON_FILE), (Json.writePretty(json) + "\n").getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(
        o.out.resolve(MARKDOWN_FILE), markdown(rows).getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(o.out.resolve(PLOT_FILE), plot.png());
  }

  private static double seconds(long fromNanos) {
    return (System.nanoTime() - fromNanos) / 1e9;
  }
}

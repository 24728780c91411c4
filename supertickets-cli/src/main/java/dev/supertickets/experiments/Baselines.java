package dev.supertickets.experiments;

import dev.supertickets.data.Dataset;
import dev.supertickets.draw.ConsoleProgress;
import dev.supertickets.draw.Recipe;
import dev.supertickets.draw.SuperTicketsDrawer;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.mask.MaskPolicy;
import dev.supertickets.mask.ScoredPolicy;
import dev.supertickets.sweep.SweepMethod;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.Provenance;
import dev.supertickets.ticket.Retrainer;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.train.TrainingListener;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * SuperTickets against the search-then-prune pipelines (SuperTickets §4), from one command, on one
 * search space, one target sparsity and one data set:
 *
 * <ol>
 *   <li>{@code supertickets}: the drawer searching and pruning to the target in one run;
 *   <li>{@code search-only}: the same drawer with target sparsity 0 (HR-NAS), a dense ticket;
 *   <li>{@code search+<policy>}: the search-only ticket pruned one-shot to the target by magnitude,
 *       random, SNIP, GraSP and SynFlow (the paper's iterative 100 rounds; the gradient scores in
 *       eval mode, as the reference), then BN re-calibrated on 10 training batches, without
 *       retraining (the reference's {@code prune.py} evaluates with re-calibrated BN too);
 *   <li>{@code search+magnitude+retrain}: that magnitude-pruned ticket retrained with fixed masks
 *       for {@code --retrain-epochs} epochs (default: as many as the draw, so the retraining stage
 *       gets the search's epoch budget and the whole pipeline twice the SuperTickets run's).
 * </ol>
 *
 * Every draw and retraining uses one-cycle AdamW at {@code --lr} with the search's rho {@code
 * --rho}, as the quick start does for 28x28 data; the draw re-prunes every epoch and reaches the
 * target at 60% of its epochs (the reference reaches 0.9 at 225 of 350); every mask policy, the
 * drawer's included, spreads its budget with {@code --scope} (ERK by default: global magnitude at
 * 90% emptied tiny28's 72-weight stem convolution, which no retraining revives).
 *
 * <p>Prints progress and a Markdown table to stdout and writes {@code baselines.md} and {@code
 * baselines.json} atomically to {@code --out}. A failing pruning policy or retraining becomes a row
 * marked failed; the run goes on. Options: {@code supertickets compare --help}.
 */
public final class Baselines {
  private Baselines() {}

  /**
   * Runs the comparison from the command line: the same options, defaults and checks as {@code
   * supertickets compare}, which it runs ({@code --help} lists them).
   */
  public static void main(String[] args) {
    String[] a = dev.supertickets.cli.Args.of(args);
    String[] all = new String[a.length + 1];
    all[0] = "compare";
    System.arraycopy(a, 0, all, 1, a.length);
    System.exit(dev.supertickets.cli.SuperTicketsCli.run(System.out, System.err, all));
  }

  /**
   * Runs every row, writes the report to {@code options.out()} and returns it; progress goes to
   * {@code log}.
   */
  public static BaselineReport run(BaselineOptions o, PrintStream log) throws IOException {
    Backend.init();
    FashionMnistChoice data = FashionMnistChoice.of(o.data());
    return run(o, data.train(), data.test(), log);
  }

  /**
   * {@link #run(BaselineOptions, PrintStream)} on data the caller loaded (the command line's {@code
   * compare} reads any IDX directory); {@code o.data()} is then only recorded, and the limits of
   * {@code o} still apply.
   */
  public static BaselineReport run(
      BaselineOptions o, Dataset fullTrain, Dataset fullTest, PrintStream log) throws IOException {
    Backend.init();
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    Dataset train = limit(fullTrain, o.trainLimit(), o.seed(), "train-limit");
    Dataset test = limit(fullTest, o.testLimit(), o.seed(), "test-limit");
    log.printf(
        Locale.ROOT, "baselines: %s on %s / %s, %s%n", o.space(), train, test, Backend.describe());
    List<BaselineRow> rows = new ArrayList<>();

    log.printf(Locale.ROOT, "== supertickets: search and prune to %s in one run%n", o.sparsity());
    Timed<SuperTicket> st = timed(() -> drawer(o, o.sparsity(), log).draw(train, test));
    rows.add(
        measure(
            o,
            log,
            "supertickets",
            "SuperTickets (search + prune in one run)",
            st.value(),
            test,
            st.seconds(),
            st.seconds()));

    log.println("== search-only: the same draw with target sparsity 0");
    Timed<SuperTicket> so = timed(() -> drawer(o, 0, log).draw(train, test));
    rows.add(
        measure(
            o,
            log,
            "search-only",
            "search only (HR-NAS), dense",
            so.value(),
            test,
            so.seconds(),
            so.seconds()));

    Timed<SuperTicket> magnitude = null;
    for (Map.Entry<String, MaskPolicy> p : policies(o).entrySet()) {
      String method = "search+" + p.getKey();
      String description = "search, " + p.getKey() + " prune, no retraining";
      log.printf(Locale.ROOT, "== %s: %s%n", method, p.getValue());
      long s0 = System.nanoTime();
      try {
        // BN re-calibrated after the prune, as the reference evaluates its one-shot baselines
        Timed<SuperTicket> pr =
            timed(
                () ->
                    so.value()
                        .prune(p.getValue(), o.sparsity(), train, o.seed())
                        .recalibrate(train, SweepMethod.CALIBRATION_BATCHES, o.seed()));
        rows.add(
            measure(
                o,
                log,
                method,
                description,
                pr.value(),
                test,
                pr.seconds(),
                so.seconds() + pr.seconds()));
        if (p.getKey().equals("magnitude")) {
          magnitude = pr;
        }
      } catch (RuntimeException e) {
        log.println("   failed: " + e);
        rows.add(BaselineRow.failed(method, description, e, seconds(s0)));
      }
    }

    String method = "search+magnitude+retrain";
    String description = "search, magnitude prune, retrain " + o.retrainEpochs() + " ep";
    if (magnitude != null) {
      SuperTicket pruned = magnitude.value();
      log.printf(Locale.ROOT, "== %s: %d epochs with fixed masks%n", method, o.retrainEpochs());
      long s0 = System.nanoTime();
      try {
        Timed<SuperTicket> rt = timed(() -> pruned.retrain(train, test, retrainer(o, log)));
        rows.add(
            measure(
                o,
                log,
                method,
                description,
                rt.value(),
                test,
                rt.seconds(),
                so.seconds() + magnitude.seconds() + rt.seconds()));
      } catch (RuntimeException e) {
        log.println("   failed: " + e);
        rows.add(BaselineRow.failed(method, description, e, seconds(s0)));
      }
    } else {
      rows.add(
          BaselineRow.failed(
              method,
              description,
              new IllegalStateException(
                  "the magnitude prune failed, so there is nothing to retrain"),
              0));
    }

    Map<String, Object> settings = o.asMap();
    settings.put("recipe", recipe(o).entries());
    settings.put(
        "retrainBudget",
        "search-only draw ("
            + o.epochs()
            + " epochs) + one-shot magnitude prune + "
            + o.retrainEpochs()
            + " epochs of fixed-mask retraining");
    Map<String, Object> env = environment(train, test);
    env.put("started", started.toString());
    env.put("wallSeconds", seconds(t0));
    BaselineReport report = new BaselineReport(settings, env, rows);
    report.write(o.out());
    return report;
  }

  /**
   * What a report records of its run's data and machine: data sets and sizes, backend, Java,
   * library.
   */
  static Map<String, Object> environment(Dataset train, Dataset test) {
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("trainData", train.name());
    env.put("trainImages", train.size());
    env.put("testData", test.name());
    env.put("testImages", test.size());
    env.put("backend", Backend.describe());
    env.put("java", System.getProperty("java.version"));
    env.put("library", Provenance.LIBRARY_VERSION);
    return env;
  }

  /**
   * The drawer of rows (a) and (b): the quick start's settings for 28x28 data, at a target
   * sparsity.
   */
  static SuperTicketsDrawer drawer(BaselineOptions o, double targetSparsity, PrintStream log) {
    return SuperTicketsDrawer.builder(o.searchSpace())
        .recipe(recipe(o))
        .seed(o.seed())
        .epochs(o.epochs())
        .targetSparsity(targetSparsity)
        .maskPolicy(MaskPolicies.magnitude().scope(o.scope()))
        .listener(new ConsoleProgress(log))
        .build();
  }

  /** The options' recipe. */
  static Recipe recipe(BaselineOptions o) {
    return o.recipe();
  }

  /** The one-shot policies of rows (c), in table order, all in the run's scope. */
  static Map<String, MaskPolicy> policies(BaselineOptions o) {
    Map<String, ScoredPolicy> m = new LinkedHashMap<>();
    m.put("magnitude", MaskPolicies.magnitude());
    m.put("random", MaskPolicies.random(o.seed()));
    m.put("snip", MaskPolicies.snip());
    m.put("grasp", MaskPolicies.grasp());
    m.put("synflow", MaskPolicies.synflow());
    Map<String, MaskPolicy> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, v.scope(o.scope())));
    return out;
  }

  /**
   * Fixed-mask retraining with a draw's recipe (batch size, learning rate, L2, label smoothing,
   * EMA, calibration, augmentation; one-cycle) and seed, evaluated once at the end: row (d) here,
   * and {@code draw --retrain-epochs}.
   */
  public static Retrainer.Builder retraining(int epochs, Recipe recipe, long seed) {
    return recipe.training(epochs).seed(seed).evalInterval(epochs);
  }

  /** The fixed-mask retraining of row (d), its epochs logged. */
  static Retrainer retrainer(BaselineOptions o, PrintStream log) {
    return retraining(o.retrainEpochs(), recipe(o), o.seed())
        .listener(
            new TrainingListener() {
              @Override
              public void onEpoch(EpochEvent e) {
                log.printf(
                    Locale.ROOT,
                    "retrain epoch %d/%d  loss %.4f  train acc %.4f%s  %ds%n",
                    e.epoch() + 1,
                    e.epochs(),
                    e.trainLoss(),
                    e.trainAccuracy(),
                    e.eval() == null
                        ? ""
                        : String.format(Locale.ROOT, "  test acc %.4f", e.eval().accuracy()),
                    e.elapsedMillis() / 1000);
              }
            })
        .build();
  }

  /**
   * Measures a ticket into a row and, with {@code --save-tickets}, saves it as {@code
   * <method>.stkt}.
   */
  private static BaselineRow measure(
      BaselineOptions o,
      PrintStream log,
      String method,
      String description,
      SuperTicket ticket,
      Dataset test,
      double stageSeconds,
      double totalSeconds)
      throws IOException {
    BaselineRow row = BaselineRow.of(method, description, ticket, test, stageSeconds, totalSeconds);
    log.println("   " + row.markdown()); // the table at the end repeats it; long runs show progress
    if (o.saveTickets()) {
      ticket.save(o.out().resolve(method + ".stkt"));
    }
    return row;
  }

  /** A seeded random subset of {@code n} samples (all when n is 0 or at least the set's size). */
  public static Dataset limit(Dataset d, int n, long seed, String purpose) {
    return d.limit(n, seed, purpose);
  }

  /** A stage's result and its wall time. */
  record Timed<T>(T value, double seconds) {}

  static <T> Timed<T> timed(Supplier<T> stage) {
    long s0 = System.nanoTime();
    T v = stage.get();
    return new Timed<>(v, seconds(s0));
  }

  private static double seconds(long fromNanos) {
    return (System.nanoTime() - fromNanos) / 1e9;
  }
}

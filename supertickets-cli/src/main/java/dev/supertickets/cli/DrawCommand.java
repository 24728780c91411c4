package dev.supertickets.cli;

import dev.supertickets.cli.IdxDirectory.DataSplits;
import dev.supertickets.data.Dataset;
import dev.supertickets.draw.ConsoleProgress;
import dev.supertickets.draw.PruneSchedule;
import dev.supertickets.draw.Recipe;
import dev.supertickets.draw.SuperTicketsDrawer;
import dev.supertickets.experiments.Baselines;
import dev.supertickets.mask.Scope;
import dev.supertickets.nn.Profiler;
import dev.supertickets.report.DrawRecorder;
import dev.supertickets.report.DrawReport;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.MemoryUse;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.train.Metrics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code supertickets draw}: one SuperTickets draw (search and prune in one run) with the quick
 * start's recipe (one-cycle AdamW, resource-aware L1 search, magnitude pruning re-scored every
 * epoch), saved as a ticket file and, with {@code --report}, written up as a Markdown page with
 * plots.
 */
@Command(
    name = "draw",
    mixinStandardHelpOptions = true,
    versionProvider = SuperTicketsCli.Version.class,
    description =
        "Searches the architecture and prunes the weights of a supernet in one training run, saves"
            + " the ticket and prints its test accuracy, loss, MACs and sparsity. Progress goes to"
            + " stderr.",
    footer = {
      "%nExamples:",
      "  supertickets draw --data embedded --epochs 4 --out t.stkt --report report",
      "  supertickets draw --space default28 --epochs 10 --sparsity 0.9 --macs-budget 2M --out"
          + " t.stkt"
    })
final class DrawCommand implements Callable<Integer> {
  @ParentCommand SuperTicketsCli cli;
  @Spec CommandSpec spec;
  @Mixin DataOptions data;
  @Mixin RecipeOptions recipe;

  @Option(
      names = "--space",
      paramLabel = "NAME|FILE.json",
      defaultValue = "reference28",
      converter = Converters.Space.class,
      description =
          "Search space: reference28 (the official code's Fashion-MNIST supernet), tiny28,"
              + " default28, mobilenetv2-chain28, cifar32, imagenet224, or a JSON file from"
              + " SearchSpace.toJson() (default: ${DEFAULT-VALUE}).")
  SearchSpace space;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      defaultValue = "8",
      description = "Training epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--sparsity",
      paramLabel = "S",
      defaultValue = "0.8",
      description =
          "Target sparsity of the prunable weights, in [0, 1); 0 searches without pruning "
              + "(default: ${DEFAULT-VALUE}).")
  double sparsity;

  @Option(
      names = "--sparsity-step",
      paramLabel = "S",
      description =
          "Sparsity added at each prune event, in (0, 1]; short for --prune-schedule steps:S "
              + "(default: the recipe's schedule).")
  Double sparsityStep;

  @Option(
      names = "--prune-events",
      paramLabel = "N",
      description =
          "The least number of prune events: when the epochs give fewer, N events spread evenly"
              + " over the training steps; 1 prunes once an epoch (default: the recipe's: 12 for"
              + " standard, 1 for reference).")
  Integer pruneEvents;

  @Option(
      names = "--prune-schedule",
      paramLabel = "SHAPE[:F]",
      description =
          "How the sparsity rises: linear, cubic, linear:F or cubic:F (the target reached after a"
              + " fraction F of the run) or steps:D (D more per prune event) (default: the"
              + " recipe's).")
  String pruneSchedule;

  @Option(
      names = "--scope",
      paramLabel = "erk|global|per-layer",
      converter = Converters.ScopeName.class,
      description =
          "How the magnitude pruning spreads its budget over the layers (default: the recipe's: erk"
              + " for standard, global for reference).")
  Scope scope;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description =
          "The one seed of initialisation, data order and pruning (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--macs-budget",
      paramLabel = "MACS",
      converter = Converters.Macs.class,
      description =
          "Stop the search once the architecture costs at most this many dense MACs per image "
              + "(400000, 400k, 1.5M); pruning goes on (default: none).")
  Long macsBudget;

  @Option(
      names = "--train-limit",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Train on a seeded random subset of N images; 0: all (default: ${DEFAULT-VALUE}).")
  int trainLimit;

  @Option(
      names = "--test-limit",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Evaluate on a seeded random subset of N images; 0: all (default: ${DEFAULT-VALUE}).")
  int testLimit;

  @Option(
      names = "--retrain-epochs",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Then retrain the drawn ticket for N epochs with its architecture and masks fixed (the"
              + " reference's SuperTicket 'with retraining', the draw's learning rate, one-cycle)"
              + " and save that one; 0: save the drawn ticket, the one 'w/o retraining' (default:"
              + " ${DEFAULT-VALUE}).")
  int retrainEpochs;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "FILE",
      defaultValue = "ticket.stkt",
      description =
          "Where to save the ticket (default: ${DEFAULT-VALUE}); an existing file is kept as"
              + " FILE.prev.")
  Path out;

  @Option(
      names = "--report",
      paramLabel = "DIR",
      description =
          "Also write a report into DIR: report.md with the settings, curves of accuracy, loss, "
              + "sparsity and MACs, and the density of every layer, as PNG plots.")
  Path report;

  @Option(
      names = {"-q", "--quiet"},
      description = "No progress on stderr.")
  boolean quiet;

  @Option(
      names = "--checkpoint",
      paramLabel = "FILE",
      description =
          "Write a checkpoint to FILE at every epoch end (and every --checkpoint-every steps); the "
              + "previous one is kept as FILE.prev.")
  Path checkpoint;

  @Option(
      names = "--checkpoint-every",
      paramLabel = "STEPS",
      defaultValue = "0",
      description =
          "Also checkpoint after every STEPS training steps; 0: epoch ends only (default: "
              + "${DEFAULT-VALUE}).")
  int checkpointEvery;

  @Option(
      names = "--resume",
      description =
          "Continue the draw from --checkpoint (same options and data as the interrupted command):"
              + " the ticket is the one the uninterrupted draw would have drawn.")
  boolean resume;

  @Override
  public Integer call() throws Exception {
    check();
    PrintStream err = cli.err();
    Backend.init();
    DataSplits full = data.load();
    Dataset train = Baselines.limit(full.train(), trainLimit, seed, "train-limit");
    Dataset test = Baselines.limit(full.test(), testLimit, seed, "test-limit");
    Checks.fits(spec, space, train, "training", recipe.recipe().batchSize());
    Checks.fits(spec, space, test, "test", 1);

    DrawRecorder recorder = new DrawRecorder();
    SuperTicketsDrawer.Builder b = SuperTicketsDrawer.builder(space);
    recipe.applyTo(b);
    b.seed(seed).epochs(epochs).targetSparsity(sparsity).listener(recorder);
    if (scope != null) {
      b.pruneScope(scope);
    }
    if (pruneSchedule != null) {
      b.pruneSchedule(PruneSchedule.parse(pruneSchedule));
    }
    if (sparsityStep != null) {
      b.sparsityStep(sparsityStep);
    }
    if (pruneEvents != null) {
      b.minPruneEvents(pruneEvents);
    }
    Recipe used = b.recipe();
    if (macsBudget != null) {
      b.macsBudget(macsBudget);
    }
    if (checkpoint != null) {
      b.checkpoint(checkpoint, checkpointEvery);
    }
    if (!quiet) {
      b.listener(new ConsoleProgress(err));
      err.printf(
          Locale.ROOT,
          "drawing %s (%,d MACs) on %s: %d train / %d test images, %d epochs, target sparsity "
              + "%s, %s%n",
          space.name(),
          space.cost().macs(),
          train.name(),
          train.size(),
          test.size(),
          epochs,
          sparsity,
          Backend.describe());
    }
    SuperTicketsDrawer drawer;
    try {
      drawer = b.build();
    } catch (IllegalArgumentException e) {
      // settings that are fine one by one but not together, e.g. a step schedule too slow for the
      // epochs
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    SuperTicket ticket = resume ? drawer.resume(checkpoint, train, test) : drawer.draw(train, test);
    // the command that drew it, so that the ticket file alone tells how to draw it again
    ticket =
        ticket.withState(
            ticket.state(),
            Map.of(
                "cli.command",
                "supertickets "
                    + String.join(" ", spec.commandLine().getParseResult().originalArgs())));
    Metrics drawn = null;
    double retrainSeconds = 0;
    if (retrainEpochs > 0) {
      // the last epoch's shrink and re-prune are not trained after (the reference's "w/o
      // retraining" ticket): a short draw loses accuracy there that fixed-mask retraining wins back
      drawn = ticket.evaluate(test);
      long t0 = System.nanoTime();
      ticket = ticket.retrain(train, test, Baselines.retraining(retrainEpochs, used, seed).build());
      retrainSeconds = (System.nanoTime() - t0) / 1e9;
    }
    Metrics m = ticket.evaluate(test);
    ticket.save(out);
    Profiler.Cost cost = ticket.cost();

    PrintStream o = cli.out();
    o.printf(Locale.ROOT, "ticket        %s%n", out.toAbsolutePath());
    o.printf(Locale.ROOT, "accuracy      %.4f%n", m.accuracy());
    o.printf(Locale.ROOT, "loss          %.4f%n", m.loss());
    if (drawn != null) {
      o.printf(Locale.ROOT, "drawn-accuracy %.4f%n", drawn.accuracy());
      o.printf(Locale.ROOT, "retrain-epochs %d%n", retrainEpochs);
      o.printf(Locale.ROOT, "retrain-seconds %.1f%n", retrainSeconds);
    }
    o.printf(Locale.ROOT, "test          %s (%d images)%n", test.name(), test.size());
    o.printf(Locale.ROOT, "sparsity      %.4f%n", ticket.sparsity());
    o.printf(Locale.ROOT, "macs          %d%n", cost.macs());
    o.printf(Locale.ROOT, "sparse-macs   %d%n", cost.sparseMacs());
    o.printf(Locale.ROOT, "supernet-macs %d%n", space.cost().macs());
    o.printf(Locale.ROOT, "params        %d%n", cost.params());
    o.printf(Locale.ROOT, "sparse-params %d%n", cost.sparseParams());
    o.printf(
        Locale.ROOT,
        "seconds       %.1f%n",
        Long.parseLong(ticket.provenance().get("draw.wallMillis")) / 1e3);
    MemoryUse mem = MemoryUse.now();
    o.printf(Locale.ROOT, "peak-rss-mib  %.1f%n", MemoryUse.mib(mem.peakRssBytes()));
    o.printf(Locale.ROOT, "workspaces-mib %.1f%n", MemoryUse.mib(mem.workspaceBytes()));
    o.printf(Locale.ROOT, "off-heap-mib  %.1f%n", MemoryUse.mib(mem.offHeapBytes()));
    if (report != null) {
      List<Path> files =
          DrawReport.builder(recorder.history(), ticket)
              .testMetrics(m)
              .testData(test.name() + " (" + test.size() + ")")
              .build()
              .write(report);
      o.printf(Locale.ROOT, "report        %s%n", files.get(0).toAbsolutePath());
    }
    return ExitCodes.OK;
  }

  /**
   * Every value's range, before anything is loaded (the drawer's own checks would not name the
   * options).
   */
  private void check() {
    Checks.option(spec, epochs > 0, "--epochs must be positive, got %s; e.g. --epochs 8", epochs);
    Checks.option(
        spec,
        sparsity >= 0 && sparsity < 1,
        "--sparsity must be in [0, 1), got %s; e.g. --sparsity 0.8",
        sparsity);
    Checks.option(
        spec,
        sparsityStep == null || sparsityStep > 0 && sparsityStep <= 1,
        "--sparsity-step must be in (0, 1], got %s; e.g. --sparsity-step 0.2, or leave it out",
        sparsityStep);
    recipe.check(spec);
    Checks.option(
        spec,
        pruneEvents == null || pruneEvents >= 1,
        "--prune-events must be at least 1 (once an " + "epoch), got %s; e.g. --prune-events 12",
        pruneEvents);
    if (pruneSchedule != null) {
      try {
        PruneSchedule.parse(pruneSchedule);
      } catch (IllegalArgumentException e) {
        Checks.option(spec, false, "--prune-schedule: %s", e.getMessage());
      }
    }
    Checks.option(
        spec, trainLimit >= 0, "--train-limit must be 0 (all) or positive, got %s", trainLimit);
    Checks.option(
        spec,
        retrainEpochs >= 0,
        "--retrain-epochs must be 0 (none) or positive, got %s; e.g. " + "--retrain-epochs 1",
        retrainEpochs);
    Checks.option(
        spec, testLimit >= 0, "--test-limit must be 0 (all) or positive, got %s", testLimit);
    int batch = recipe.recipe().batchSize();
    Checks.option(
        spec,
        trainLimit == 0 || trainLimit >= batch,
        "--train-limit %s is smaller than one batch of %s; raise it or lower --batch-size",
        trainLimit,
        batch);
    Checks.option(
        spec,
        checkpointEvery >= 0,
        "--checkpoint-every must be 0 (epoch ends only) or positive, got %s",
        checkpointEvery);
    Checks.option(
        spec,
        !resume || checkpoint != null,
        "--resume needs --checkpoint FILE, the checkpoint to " + "continue from");
  }
}

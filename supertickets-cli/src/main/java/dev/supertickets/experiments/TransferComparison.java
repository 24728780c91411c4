package dev.supertickets.experiments;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.cli.RecipeOptions;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.DatasetNotFoundException;
import dev.supertickets.data.SegmentationScenes;
import dev.supertickets.draw.ConsoleProgress;
import dev.supertickets.draw.Recipe;
import dev.supertickets.draw.SuperTicketsDrawer;
import dev.supertickets.io.AtomicFiles;
import dev.supertickets.io.Json;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.mask.Scope;
import dev.supertickets.nn.Profiler;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.ticket.Transfer;
import dev.supertickets.train.Confusion;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Do SuperTickets transfer across tasks? (SuperTickets §5.) One command, both directions, on
 * Fashion-MNIST classification and on segmentation of composite Fashion-MNIST scenes ({@link
 * SegmentationScenes}: training scenes from the training images, test scenes from the test images).
 * For each sparsity, in each direction (source task to target task):
 *
 * <ol>
 *   <li>{@code transferred}: a SuperTicket drawn on the source task, transferred to the target
 *       (backbone kept, new head, fine-tuned with masks and architecture fixed);
 *   <li>{@code direct}: a SuperTicket drawn on the target task itself, the reference for transfer;
 *   <li>{@code dense}: the dense supernet trained on the target (no search, no pruning), once per
 *       direction;
 *   <li>{@code search+prune transferred}: the search-only ticket of the source task,
 *       magnitude-pruned one-shot to the sparsity (BN re-calibrated), transferred the same way.
 * </ol>
 *
 * The target metric is mean IoU for segmentation and accuracy for classification. Every draw uses
 * the same search space backbone ({@code tiny28} by default) with the head of its task, the
 * standard recipe ({@link Recipe#standard()}: one-cycle AdamW, label smoothing, EMA, a cubic prune
 * ramp), magnitude pruning with ERK densities, and the same epochs; every transfer fine-tunes for
 * {@code --finetune-epochs} with the same recipe. Writes {@code transfer.md} and {@code
 * transfer.json} atomically to {@code --out}.
 */
public final class TransferComparison {
  private TransferComparison() {}

  /** The settings of a comparison, validated; {@link #parse} reads them from the command line. */
  public record Options(
      String data,
      int epochs,
      int finetuneEpochs,
      List<Double> sparsities,
      int trainLimit,
      int testLimit,
      int scenes,
      int testScenes,
      int canvas,
      Recipe recipe,
      long seed,
      Path out) {
    public Options {
      FashionMnistChoice.of(data);
      checkArgument(
          epochs > 0 && finetuneEpochs > 0,
          "--epochs and --finetune-epochs must be positive, got %s " + "and %s",
          epochs,
          finetuneEpochs);
      checkArgument(
          !sparsities.isEmpty(), "--sparsities must list at least one sparsity, e.g. 0.5,0.8,0.9");
      for (double s : sparsities) {
        checkArgument(
            s > 0 && s < 1,
            "every sparsity must be in (0, 1), got %s; e.g. --sparsities 0.5,0.8,0.9",
            s);
      }
      checkArgument(
          trainLimit >= 0 && testLimit >= 0,
          "--train-limit and --test-limit must be 0 (all) or " + "positive, got %s and %s",
          trainLimit,
          testLimit);
      checkArgument(
          scenes > 0 && testScenes > 0,
          "--scenes and --test-scenes must be positive, got %s and %s",
          scenes,
          testScenes);
      checkArgument(
          canvas >= 28, "--canvas must hold a 28x28 item, got %s; use 28 or more", canvas);
      checkNotNull(recipe, "recipe must not be null; e.g. Recipe.standard()");
      sparsities = List.copyOf(sparsities);
    }

    /**
     * Reads the command line (arguments are also split at white space, because Maven's exec:exec
     * passes {@code -Dst.args} as one argument); unknown options and malformed values are refused
     * naming them.
     */
    public static Options parse(String... raw) {
      Cli a = new Cli();
      new CommandLine(a).parseArgs(dev.supertickets.cli.Args.split(raw));
      return new Options(
          a.data.name(),
          a.epochs,
          a.finetuneEpochs,
          a.sparsities,
          a.trainLimit,
          a.testLimit,
          a.scenes,
          a.testScenes,
          a.canvas,
          a.recipe.recipe(),
          a.seed,
          a.out);
    }
  }

  /** The command line. */
  @Command(
      name = "TransferComparison",
      mixinStandardHelpOptions = true,
      description =
          "Draws tickets on classification and segmentation, transfers them both ways and writes "
              + "transfer.md/json.")
  static final class Cli {
    @Mixin FashionMnistChoice data = new FashionMnistChoice();

    @Option(
        names = "--epochs",
        defaultValue = "3",
        description = "epochs of every draw (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(
        names = "--finetune-epochs",
        defaultValue = "1",
        description = "epochs of every transfer's fine-tuning (default: ${DEFAULT-VALUE})")
    int finetuneEpochs;

    @Option(
        names = "--sparsities",
        split = ",",
        defaultValue = "0.5,0.8,0.9",
        description = "target sparsities (default: ${DEFAULT-VALUE})")
    List<Double> sparsities;

    @Option(
        names = "--train-limit",
        defaultValue = "0",
        description =
            "classification training samples, drawn at random (0: all; default: ${DEFAULT-VALUE})")
    int trainLimit;

    @Option(
        names = "--test-limit",
        defaultValue = "0",
        description = "classification test samples (0: all; default: ${DEFAULT-VALUE})")
    int testLimit;

    @Option(
        names = "--scenes",
        defaultValue = "6000",
        description =
            "segmentation training scenes, made of training images (default: ${DEFAULT-VALUE})")
    int scenes;

    @Option(
        names = "--test-scenes",
        defaultValue = "1000",
        description = "segmentation test scenes, made of test images (default: ${DEFAULT-VALUE})")
    int testScenes;

    @Option(
        names = "--canvas",
        defaultValue = "56",
        description = "scene size in pixels, square (default: ${DEFAULT-VALUE})")
    int canvas;

    @Mixin RecipeOptions recipe = new RecipeOptions();

    @Option(
        names = "--seed",
        defaultValue = "1995",
        description = "the one seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
        names = "--out",
        defaultValue = "target/transfer",
        description = "report folder (default: ${DEFAULT-VALUE})")
    Path out;
  }

  /**
   * One measured ticket. {@code metric} is mean IoU for a segmentation target and accuracy for
   * classification; {@code pixelAccuracy} is NaN for classification. MACs and parameters are per
   * image at the target's input size; {@code seconds} is the whole pipeline's time (source draw
   * included for transferred rows).
   */
  public record Row(
      String direction,
      String method,
      double sparsity,
      double metric,
      double pixelAccuracy,
      long macs,
      long sparseMacs,
      long params,
      long sparseParams,
      double seconds) {
    String markdown() {
      return String.format(
          Locale.ROOT,
          "| %s | %s | %.2f | %.4f | %s | %,d | %,d | %,d | %,d | %.1f |",
          direction,
          method,
          sparsity,
          metric,
          Double.isNaN(pixelAccuracy) ? "" : String.format(Locale.ROOT, "%.4f", pixelAccuracy),
          macs,
          sparseMacs,
          params,
          sparseParams,
          seconds);
    }

    Map<String, Object> asMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("direction", direction);
      m.put("method", method);
      m.put("sparsity", sparsity);
      m.put("metric", metric);
      m.put("pixelAccuracy", Double.isNaN(pixelAccuracy) ? null : pixelAccuracy);
      m.put("macs", macs);
      m.put("sparseMacs", sparseMacs);
      m.put("params", params);
      m.put("sparseParams", sparseParams);
      m.put("seconds", seconds);
      return m;
    }
  }

  /** Runs the comparison; {@code --help} lists the options. */
  public static void main(String[] args) throws Exception {
    CommandLine cl = new CommandLine(new Cli());
    Options o;
    try {
      cl.parseArgs(dev.supertickets.cli.Args.of(args));
      if (cl.isUsageHelpRequested()) {
        cl.usage(System.out);
        return;
      }
      o = Options.parse(dev.supertickets.cli.Args.of(args));
    } catch (IllegalArgumentException | CommandLine.ParameterException e) {
      System.err.println(e.getMessage());
      cl.usage(System.err);
      System.exit(2);
      return;
    }
    try {
      List<Row> rows = run(o, System.out);
      System.out.println();
      System.out.print(markdown(o, rows));
      System.out.println(
          "written: " + o.out().resolve("transfer.md") + ", " + o.out().resolve("transfer.json"));
    } catch (DatasetNotFoundException e) {
      System.err.println(e.getMessage() + "\nor run on the bundled subset with --data embedded");
      System.exit(1);
    }
  }

  /**
   * Runs every row, writes the report to {@code o.out()} and returns the rows; progress goes to
   * {@code log}.
   */
  public static List<Row> run(Options o, PrintStream log) throws IOException {
    Backend.init();
    long t0 = System.nanoTime();
    FashionMnistChoice data = FashionMnistChoice.of(o.data());
    Dataset trainImages = data.train();
    Dataset testImages = data.test();
    Dataset clsTrain = Baselines.limit(trainImages, o.trainLimit(), o.seed(), "train-limit");
    Dataset clsTest = Baselines.limit(testImages, o.testLimit(), o.seed(), "test-limit");
    // scenes keep Fashion-MNIST's split: training scenes hold training images only, test scenes
    // test images only
    Dataset segTrain =
        SegmentationScenes.builder(trainImages)
            .canvas(o.canvas(), o.canvas())
            .scenes(o.scenes())
            .seed(o.seed())
            .build();
    Dataset segTest =
        SegmentationScenes.builder(testImages)
            .canvas(o.canvas(), o.canvas())
            .scenes(o.testScenes())
            .seed(o.seed() + 1)
            .build();
    SearchSpace clsSpace = SearchSpaces.tiny28();
    SearchSpace segSpace =
        clsSpace.toBuilder()
            .input(1, o.canvas(), o.canvas())
            .denseHead(32, segTrain.numClasses())
            .build();
    Task cls = new Task("classification", clsSpace, clsTrain, clsTest);
    Task seg = new Task("segmentation", segSpace, segTrain, segTest);
    log.printf(
        Locale.ROOT,
        "transfer: %s / %s and %s / %s, %s%n",
        clsTrain,
        clsTest,
        segTrain,
        segTest,
        Backend.describe());

    Map<String, Baselines.Timed<SuperTicket>> draws = new LinkedHashMap<>();
    for (Task t : List.of(cls, seg)) {
      for (double s : o.sparsities()) {
        log.printf(Locale.ROOT, "== draw on %s at sparsity %.2f%n", t.name, s);
        draws.put(
            t.name + "@" + s,
            Baselines.timed(() -> drawer(o, t.space, s, true, log).draw(t.train, t.test)));
      }
      log.printf(Locale.ROOT, "== search only on %s%n", t.name);
      draws.put(
          t.name + "@search",
          Baselines.timed(() -> drawer(o, t.space, 0, true, log).draw(t.train, t.test)));
      log.printf(Locale.ROOT, "== dense supernet on %s%n", t.name);
      draws.put(
          t.name + "@dense",
          Baselines.timed(() -> drawer(o, t.space, 0, false, log).draw(t.train, t.test)));
    }

    List<Row> rows = new ArrayList<>();
    for (Task[] dir : List.of(new Task[] {cls, seg}, new Task[] {seg, cls})) {
      Task src = dir[0];
      Task dst = dir[1];
      String direction = src.name + " -> " + dst.name;
      Baselines.Timed<SuperTicket> dense = draws.get(dst.name + "@dense");
      rows.add(
          measure(
              direction,
              "dense supernet trained on the target",
              0,
              dense.value(),
              dst,
              dense.seconds()));
      for (double s : o.sparsities()) {
        Baselines.Timed<SuperTicket> source = draws.get(src.name + "@" + s);
        log.printf(Locale.ROOT, "== %s: transfer the %.2f ticket%n", direction, s);
        Baselines.Timed<SuperTicket> tr =
            Baselines.timed(() -> source.value().transferTo(transfer(o, dst)));
        rows.add(
            measure(
                direction,
                "SuperTicket drawn on the source, transferred",
                s,
                tr.value(),
                dst,
                source.seconds() + tr.seconds()));
        Baselines.Timed<SuperTicket> direct = draws.get(dst.name + "@" + s);
        rows.add(
            measure(
                direction,
                "SuperTicket drawn on the target",
                s,
                direct.value(),
                dst,
                direct.seconds()));
        Baselines.Timed<SuperTicket> search = draws.get(src.name + "@search");
        log.printf(Locale.ROOT, "== %s: search, prune to %.2f, transfer%n", direction, s);
        Baselines.Timed<SuperTicket> sp =
            Baselines.timed(
                () ->
                    search
                        .value()
                        .prune(MaskPolicies.magnitude().scope(Scope.ERK), s, src.train, o.seed())
                        .recalibrate(
                            src.train,
                            dev.supertickets.sweep.SweepMethod.CALIBRATION_BATCHES,
                            o.seed())
                        .transferTo(transfer(o, dst)));
        rows.add(
            measure(
                direction,
                "search, magnitude prune, transferred",
                s,
                sp.value(),
                dst,
                search.seconds() + sp.seconds()));
        log.println(rows.get(rows.size() - 1).markdown());
      }
    }
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("data", o.data());
    settings.put("classification", clsTrain + " / " + clsTest);
    settings.put("segmentation", segTrain + " / " + segTest);
    settings.put(
        "space",
        clsSpace.name()
            + " backbone; classification head / dense head (last 32) at "
            + o.canvas()
            + "x"
            + o.canvas());
    settings.put("epochs", o.epochs());
    settings.put("finetuneEpochs", o.finetuneEpochs());
    settings.put("sparsities", o.sparsities());
    settings.put("recipe", o.recipe().presetName());
    settings.putAll(o.recipe().entries());
    settings.put("seed", o.seed());
    settings.put("backend", Backend.describe());
    settings.put("wallSeconds", (System.nanoTime() - t0) / 1e9);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("settings", settings);
    json.put("rows", rows.stream().map(Row::asMap).toList());
    AtomicFiles.write(
        o.out().resolve("transfer.json"),
        (Json.writePretty(json) + "\n").getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(
        o.out().resolve("transfer.md"), markdown(o, rows).getBytes(StandardCharsets.UTF_8));
    log.printf(Locale.ROOT, "transfer comparison done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    return rows;
  }

  static String markdown(Options o, List<Row> rows) {
    StringBuilder b = new StringBuilder();
    b.append(
        "| direction | method | sparsity | mIoU / acc | pixel acc | MACs (dense) | MACs (sparse) |"
            + " params (dense) | params (sparse) | total s |\n"
            + "|---|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      b.append(r.markdown()).append('\n');
    }
    return b.toString();
  }

  private record Task(String name, SearchSpace space, Dataset train, Dataset test) {}

  private static SuperTicketsDrawer drawer(
      Options o, SearchSpace space, double sparsity, boolean search, PrintStream log) {
    return recipe(o, space)
        .seed(o.seed())
        .epochs(o.epochs())
        .search(search)
        .targetSparsity(sparsity)
        .maskPolicy(MaskPolicies.magnitude().scope(Scope.ERK))
        .listener(new ConsoleProgress(log))
        .build();
  }

  private static SuperTicketsDrawer.Builder recipe(Options o, SearchSpace space) {
    return SuperTicketsDrawer.builder(space).recipe(o.recipe());
  }

  private static Transfer transfer(Options o, Task target) {
    return Transfer.to(target.train, target.test)
        .seed(o.seed())
        .retrainer(Baselines.retraining(o.finetuneEpochs(), o.recipe(), o.seed()).build())
        .build();
  }

  private static Row measure(
      String direction,
      String method,
      double sparsity,
      SuperTicket t,
      Task target,
      double seconds) {
    Profiler.Cost cost = t.cost();
    Confusion c = t.confusion(target.test);
    boolean dense = target.train.isDense();
    return new Row(
        direction,
        method,
        sparsity,
        dense ? c.meanIoU() : c.pixelAccuracy(),
        dense ? c.pixelAccuracy() : Double.NaN,
        cost.macs(),
        cost.sparseMacs(),
        cost.params(),
        cost.sparseParams(),
        seconds);
  }
}

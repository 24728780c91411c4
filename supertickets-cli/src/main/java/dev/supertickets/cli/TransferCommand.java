package dev.supertickets.cli;

import dev.supertickets.cli.IdxDirectory.DataSplits;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.SegmentationScenes;
import dev.supertickets.experiments.Baselines;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.Retrainer;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.ticket.Transfer;
import dev.supertickets.train.Confusion;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code supertickets transfer}: carries a saved ticket to another task and fine-tunes it there.
 */
@Command(
    name = "transfer",
    mixinStandardHelpOptions = true,
    versionProvider = SuperTicketsCli.Version.class,
    description =
        "Loads a ticket, keeps its backbone (cut architecture, masks, weights), puts a new head on"
            + " it for the target task, fine-tunes with masks and architecture fixed, and saves the"
            + " result. The target is the classification data set of --data (any number of classes,"
            + " any input size the space's strides allow), or with --segmentation composite scenes"
            + " made of its images, labelled per pixel.",
    footer = {
      "%nExamples:",
      "  supertickets transfer t.stkt --data embedded --segmentation --out seg.stkt",
      "  supertickets transfer t.stkt --data /data/mnist --freeze-backbone --epochs 2 --out"
          + " mnist.stkt"
    })
final class TransferCommand implements Callable<Integer> {
  @ParentCommand SuperTicketsCli cli;
  @Spec CommandSpec spec;
  @Mixin DataOptions data;

  @Parameters(index = "0", paramLabel = "TICKET", description = "The ticket file to transfer.")
  Path ticketFile;

  @Option(
      names = "--segmentation",
      description =
          "Target: segmentation of scenes made of --data's images "
              + "(training scenes from training images, test scenes from test images).")
  boolean segmentation;

  @Option(
      names = "--scenes",
      paramLabel = "N",
      defaultValue = "6000",
      description =
          "Training scenes with --segmentation (default: ${DEFAULT-VALUE}); test scenes: a sixth.")
  int scenes;

  @Option(
      names = "--canvas",
      paramLabel = "PX",
      defaultValue = "56",
      description = "Scene size with --segmentation (default: ${DEFAULT-VALUE}).")
  int canvas;

  @Option(names = "--freeze-backbone", description = "Train only the new head.")
  boolean freeze;

  @Option(
      names = "--head-from",
      paramLabel = "TICKET",
      description =
          "Take the head (cut blocks and weights) from this ticket, drawn on the target task.")
  Path headFrom;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      defaultValue = "2",
      description = "Fine-tuning epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--lr",
      paramLabel = "X",
      defaultValue = "0.02",
      description = "Peak one-cycle learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "128",
      description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--train-limit",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Use a seeded random subset of N training images; 0: all (default: ${DEFAULT-VALUE}).")
  int trainLimit;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "FILE",
      defaultValue = "transferred.stkt",
      description = "Where to save the transferred ticket (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    Checks.option(spec, epochs > 0, "--epochs must be positive, got %s", epochs);
    Checks.option(spec, scenes > 0, "--scenes must be positive, got %s", scenes);
    Checks.option(
        spec, canvas >= 28, "--canvas must hold a 28x28 item, got %s; use 28 or more", canvas);
    Checks.option(spec, batchSize > 0, "--batch-size must be positive, got %s", batchSize);
    Checks.option(
        spec,
        learningRate > 0 && Double.isFinite(learningRate),
        "--lr must be positive, got %s",
        learningRate);
    Checks.option(
        spec, trainLimit >= 0, "--train-limit must be 0 (all) or positive, got %s", trainLimit);
    Backend.init();
    SuperTicket source = SuperTicket.load(ticketFile);
    DataSplits splits = data.load();
    Dataset train = Baselines.limit(splits.train(), trainLimit, seed, "train-limit");
    Dataset test = splits.test();
    if (segmentation) {
      train =
          SegmentationScenes.builder(train)
              .canvas(canvas, canvas)
              .scenes(scenes)
              .seed(seed)
              .build();
      test =
          SegmentationScenes.builder(test)
              .canvas(canvas, canvas)
              .scenes(Math.max(1, scenes / 6))
              .seed(seed + 1)
              .build();
    }
    Transfer.Builder t =
        Transfer.to(train, test)
            .seed(seed)
            .freezeBackbone(freeze)
            .retrainer(
                Retrainer.builder()
                    .epochs(epochs)
                    .batchSize(batchSize)
                    .learningRate(learningRate)
                    .seed(seed)
                    .evalInterval(epochs)
                    .build());
    if (headFrom != null) {
      t.headFrom(SuperTicket.load(headFrom));
    }
    long s0 = System.nanoTime();
    SuperTicket moved = source.transferTo(t.build());
    moved.save(out);
    Confusion c = moved.confusion(test);
    PrintStream o = cli.out();
    o.printf(Locale.ROOT, "ticket        %s%n", out.toAbsolutePath());
    o.printf(
        Locale.ROOT,
        "target        %s (%d) / %s (%d)%n",
        train.name(),
        train.size(),
        test.name(),
        test.size());
    if (segmentation) {
      o.printf(Locale.ROOT, "mean-iou      %.4f%n", c.meanIoU());
      o.printf(Locale.ROOT, "pixel-acc     %.4f%n", c.pixelAccuracy());
    } else {
      o.printf(Locale.ROOT, "accuracy      %.4f%n", c.pixelAccuracy());
    }
    o.printf(Locale.ROOT, "sparsity      %.4f%n", moved.sparsity());
    o.printf(Locale.ROOT, "macs          %d%n", moved.cost().macs());
    o.printf(Locale.ROOT, "sparse-macs   %d%n", moved.cost().sparseMacs());
    o.printf(Locale.ROOT, "seconds       %.1f%n", (System.nanoTime() - s0) / 1e9);
    return ExitCodes.OK;
  }
}

package dev.supertickets.bench;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.data.Loader;
import dev.supertickets.data.Normalization;
import dev.supertickets.io.Json;
import dev.supertickets.nn.loss.SoftmaxCrossEntropy;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.supernet.HrSupernet;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.MemoryUse;
import dev.supertickets.train.AdamW;
import dev.supertickets.train.L2Penalty;
import dev.supertickets.train.LrSchedule;
import dev.supertickets.train.Metrics;
import dev.supertickets.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Soak benchmark (a program, not a test): trains the tiny28 supernet for many epochs on a small
 * embedded Fashion-MNIST set, the way a draw trains (AdamW, L2, EMA, BN re-calibration before each
 * evaluation), and records memory at the start, after every {@code --every} epochs and at the end,
 * each after a full GC: the process RSS ({@code VmRSS} of {@code /proc/self/status}), JavaCPP's
 * view of it ({@code Pointer.physicalBytes()}), the bytes held by ND4J workspaces (ND4J's
 * allocation tracker), the off-heap bytes JavaCPP tracks ({@code Pointer.totalBytes()}) and the
 * used Java heap. ND4J 1.0.0-M2.1 counts ordinary arrays in neither tracker, so RSS is the measure
 * for them. A leak shows as growth after the first epoch (when the workspaces have reached their
 * size).
 *
 * <p>Run from the repository root, when the CPU is free (200 epochs take a while):
 *
 * <pre>
 *   mvn -q -B install -DskipTests
 *   mvn -q -B -pl supertickets-bench exec:exec -Dbench.mainClass=dev.supertickets.bench.SoakMain
 *   mvn -q -B -pl supertickets-bench exec:exec -Dbench.mainClass=dev.supertickets.bench.SoakMain -Dbench.epochs=20
 * </pre>
 *
 * <p>Settings (system property, then the flag, which wins): {@code bench.epochs} / {@code --epochs
 * N} (200), {@code --samples N} training images (512), {@code --batch N} (64), {@code --every N}
 * epochs between samples (10), {@code bench.outDir} / {@code --out DIR} (target/bench). Results go
 * to stdout and to {@code DIR/soak.md} and {@code DIR/soak.json}. Exit status 0, or 2 on bad
 * arguments.
 */
public final class SoakMain {
  /** Output file names in the output directory. */
  public static final String MARKDOWN_FILE = "soak.md";

  public static final String JSON_FILE = "soak.json";

  private static final double MIB = 1024.0 * 1024.0;

  private SoakMain() {}

  /**
   * Soak settings.
   *
   * @param epochs training epochs, at least 1
   * @param samples training images drawn from the embedded subset, at least one batch
   * @param batchSize images per step
   * @param every epochs between memory samples (and evaluations)
   * @param outDir where soak.md and soak.json go
   */
  public record Options(int epochs, int samples, int batchSize, int every, Path outDir) {
    /** Validates. */
    public Options {
      check(epochs >= 1, "epochs must be at least 1, got " + epochs + "; e.g. --epochs 200");
      check(
          batchSize >= 1, "batch size must be at least 1, got " + batchSize + "; e.g. --batch 64");
      check(
          samples >= batchSize && samples <= EmbeddedFashionMnist.TRAIN_PER_CLASS * 10,
          "samples must be "
              + "between the batch size and 5000 (the embedded subset), got "
              + samples
              + "; e.g. --samples 512");
      check(
          every >= 1,
          "sampling interval must be at least 1 epoch, got " + every + "; e.g. --every 10");
      if (outDir == null) {
        throw new IllegalArgumentException(
            "output directory must not be null; e.g. --out target/bench");
      }
    }

    /** Reads {@code bench.epochs} and {@code bench.outDir}, then lets the flags override them. */
    public static Options parse(String[] args) {
      Cli c = new Cli();
      try {
        new picocli.CommandLine(c).parseArgs(dev.supertickets.cli.Args.of(args));
      } catch (picocli.CommandLine.ParameterException e) {
        throw new IllegalArgumentException(
            e.getMessage()
                + " (known: --epochs N, --samples N, --batch N, "
                + "--every N, --out DIR)",
            e);
      }
      int epochs =
          c.epochs != null
              ? c.epochs
              : intValue("bench.epochs", System.getProperty("bench.epochs", "200"));
      Path out =
          c.out != null ? c.out : Path.of(System.getProperty("bench.outDir", "target/bench"));
      return new Options(epochs, c.samples, c.batch, c.every, out);
    }

    /** The command line (a flag beats the system property of the same setting). */
    @picocli.CommandLine.Command(name = "SoakMain")
    static final class Cli {
      @picocli.CommandLine.Option(names = "--epochs")
      Integer epochs;

      @picocli.CommandLine.Option(names = "--samples", defaultValue = "512")
      int samples;

      @picocli.CommandLine.Option(names = "--batch", defaultValue = "64")
      int batch;

      @picocli.CommandLine.Option(names = "--every", defaultValue = "10")
      int every;

      @picocli.CommandLine.Option(names = "--out")
      Path out;
    }

    private static int intValue(String name, String v) {
      try {
        return Integer.parseInt(v.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be a whole number, got \"" + v + "\"");
      }
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }

  /**
   * Memory after an epoch (epoch 0: before training), each in bytes, measured after a full GC.
   *
   * @param epoch epochs trained so far
   * @param rssBytes {@code VmRSS} of the process, or -1 where there is no {@code /proc}
   * @param physicalBytes JavaCPP's {@code Pointer.physicalBytes()}
   * @param workspaceBytes bytes held by ND4J workspaces, all threads
   * @param offHeapBytes JavaCPP's {@code Pointer.totalBytes()}: off-heap memory it tracks and has
   *     not yet freed
   * @param heapBytes used Java heap
   * @param trainLoss mean training loss of the epoch (NaN at epoch 0)
   * @param testAccuracy accuracy on the 256 test images when evaluated at this epoch, else NaN
   * @param elapsedMillis wall time since the start
   */
  public record Sample(
      int epoch,
      long rssBytes,
      long physicalBytes,
      long workspaceBytes,
      long offHeapBytes,
      long heapBytes,
      double trainLoss,
      double testAccuracy,
      long elapsedMillis) {}

  /**
   * The samples of a run, in epoch order.
   *
   * @param options the settings
   * @param environment Java, ND4J backend and cores
   * @param samples one per sampled epoch, the first at epoch 0
   */
  public record Result(Options options, String environment, List<Sample> samples) {
    public Result {
      samples = List.copyOf(samples);
    }

    /** The sample after the first epoch: workspaces and caches have their size by then. */
    public Sample warm() {
      return samples.get(Math.min(1, samples.size() - 1));
    }

    public Sample last() {
      return samples.get(samples.size() - 1);
    }

    /**
     * Least-squares growth per 100 epochs of a measure over the samples from {@link #warm()} on; 0
     * with fewer than two of them.
     */
    public double slopePer100Epochs(java.util.function.ToLongFunction<Sample> measure) {
      List<Sample> s = samples.subList(Math.min(1, samples.size() - 1), samples.size());
      if (s.size() < 2) {
        return 0;
      }
      double mx = s.stream().mapToDouble(Sample::epoch).average().orElse(0);
      double my = s.stream().mapToDouble(measure::applyAsLong).average().orElse(0);
      double num = 0;
      double den = 0;
      for (Sample x : s) {
        num += (x.epoch() - mx) * (measure.applyAsLong(x) - my);
        den += (x.epoch() - mx) * (x.epoch() - mx);
      }
      return den == 0 ? 0 : 100 * num / den;
    }
  }

  /** Entry point; see the class comment for the flags. */
  public static void main(String[] args) {
    int status = 0;
    try {
      Options o = Options.parse(args);
      Result r = run(o, System.out);
      write(r);
      System.out.println();
      System.out.print(markdown(r));
      System.out.println(
          "\nwritten: " + o.outDir().resolve(MARKDOWN_FILE) + ", " + o.outDir().resolve(JSON_FILE));
    } catch (IllegalArgumentException e) {
      System.err.println("soak: " + e.getMessage());
      status = 2;
    } catch (IOException e) {
      System.err.println("soak: could not write the results: " + e);
      status = 1;
    }
    System.exit(status);
  }

  /** Trains and samples memory; progress goes to {@code log}. */
  public static Result run(Options o, PrintStream log) {
    Backend.init();
    String environment = "java " + System.getProperty("java.version") + ", " + Backend.describe();
    Dataset train = EmbeddedFashionMnist.train().sample(o.samples(), new SplittableRandom(1));
    Dataset test = EmbeddedFashionMnist.test().sample(256, new SplittableRandom(2));
    Normalization norm = Normalization.of(train);
    Loader trainLoader =
        Loader.builder(train).batchSize(o.batchSize()).normalization(norm).seed(3).build();
    Loader testLoader = Loader.forEvaluation(test, 256, norm);
    HrSupernet net = new HrSupernet(SearchSpaces.tiny28(), new SplittableRandom(4));
    Trainer trainer =
        Trainer.builder(net)
            .loss(new SoftmaxCrossEntropy())
            .optimizer(new AdamW(0.9, 0.999, 1e-3, 0))
            .schedule(LrSchedule.constant(0.005))
            .l2(L2Penalty.onWeights(1e-5))
            .ema(0.999)
            .bnCalibration(4)
            .build();
    log.printf(
        Locale.ROOT,
        "soak: %d epochs of %d images (batch %d), a sample every %d epochs; %s%n",
        o.epochs(),
        o.samples(),
        o.batchSize(),
        o.every(),
        environment);
    long start = System.currentTimeMillis();
    List<Sample> samples = new ArrayList<>();
    samples.add(sample(0, Double.NaN, Double.NaN, start));
    log.println("  " + line(samples.get(0)));
    for (int e = 0; e < o.epochs(); e++) {
      double loss = trainer.epoch(trainLoader, e)[0];
      int done = e + 1;
      if (done == 1 || done % o.every() == 0 || done == o.epochs()) {
        Metrics m = trainer.evaluate(testLoader, trainLoader, e);
        samples.add(sample(done, loss, m.accuracy(), start));
        log.println("  " + line(samples.get(samples.size() - 1)));
      }
    }
    return new Result(o, environment, samples);
  }

  private static Sample sample(int epoch, double loss, double accuracy, long start) {
    // only what is still referenced counts; JavaCPP frees unreferenced arrays after a collection
    System.gc();
    try {
      Thread.sleep(50); // JavaCPP's deallocator thread runs after the collection
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    MemoryUse m = MemoryUse.now();
    return new Sample(
        epoch,
        m.rssBytes(),
        m.physicalBytes(),
        m.workspaceBytes(),
        m.offHeapBytes(),
        m.heapBytes(),
        loss,
        accuracy,
        System.currentTimeMillis() - start);
  }

  private static String line(Sample s) {
    return String.format(
        Locale.ROOT,
        "epoch %4d: rss %7.1f MiB, javacpp physical %7.1f MiB, workspaces %6.1f MiB, "
            + "javacpp off-heap %6.1f MiB, heap %6.1f MiB, loss %.4f, test acc %.4f, %.0f s",
        s.epoch(),
        s.rssBytes() / MIB,
        s.physicalBytes() / MIB,
        s.workspaceBytes() / MIB,
        s.offHeapBytes() / MIB,
        s.heapBytes() / MIB,
        s.trainLoss(),
        s.testAccuracy(),
        s.elapsedMillis() / 1000.0);
  }

  /** The results as a Markdown table with a growth summary. */
  public static String markdown(Result r) {
    StringBuilder b =
        new StringBuilder("# Soak: memory over ")
            .append(r.options().epochs())
            .append(" training epochs\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "tiny28 supernet, %d embedded Fashion-MNIST images, batch %d; %s.%n%n",
            r.options().samples(),
            r.options().batchSize(),
            r.environment()));
    b.append(
        "| epoch | RSS MiB | JavaCPP physical MiB | workspaces MiB | JavaCPP off-heap MiB | heap"
            + " MiB | train loss | test acc | s |\n");
    b.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Sample s : r.samples()) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %d | %.1f | %.1f | %.1f | %.1f | %.1f | %s | %s | %.0f |%n",
              s.epoch(),
              s.rssBytes() / MIB,
              s.physicalBytes() / MIB,
              s.workspaceBytes() / MIB,
              s.offHeapBytes() / MIB,
              s.heapBytes() / MIB,
              number(s.trainLoss()),
              number(s.testAccuracy()),
              s.elapsedMillis() / 1000.0));
    }
    Sample w = r.warm();
    Sample l = r.last();
    b.append(
        String.format(
            Locale.ROOT,
            "%nGrowth from epoch %d to epoch %d (least-squares slope per 100 epochs): "
                + "RSS %+.1f MiB (%+.1f), workspaces %+.1f MiB (%+.1f), heap %+.1f MiB (%+.1f).%n",
            w.epoch(),
            l.epoch(),
            (l.rssBytes() - w.rssBytes()) / MIB,
            r.slopePer100Epochs(Sample::rssBytes) / MIB,
            (l.workspaceBytes() - w.workspaceBytes()) / MIB,
            r.slopePer100Epochs(Sample::workspaceBytes) / MIB,
            (l.heapBytes() - w.heapBytes()) / MIB,
            r.slopePer100Epochs(Sample::heapBytes) / MIB));
    return b.toString();
  }

  private static String number(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
  }

  /** The results as JSON (numbers in bytes; null where a value was not measured). */
  public static String json(Result r) {
    Map<String, Object> root = new LinkedHashMap<>();
    Map<String, Object> opts = new LinkedHashMap<>();
    opts.put("epochs", (long) r.options().epochs());
    opts.put("samples", (long) r.options().samples());
    opts.put("batchSize", (long) r.options().batchSize());
    opts.put("every", (long) r.options().every());
    root.put("options", opts);
    root.put("environment", r.environment());
    List<Object> rows = new ArrayList<>();
    for (Sample s : r.samples()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("epoch", (long) s.epoch());
      m.put("rssBytes", s.rssBytes());
      m.put("physicalBytes", s.physicalBytes());
      m.put("workspaceBytes", s.workspaceBytes());
      m.put("offHeapBytes", s.offHeapBytes());
      m.put("heapBytes", s.heapBytes());
      m.put("trainLoss", Double.isNaN(s.trainLoss()) ? null : s.trainLoss());
      m.put("testAccuracy", Double.isNaN(s.testAccuracy()) ? null : s.testAccuracy());
      m.put("elapsedMillis", s.elapsedMillis());
      rows.add(m);
    }
    root.put("samples", rows);
    Map<String, Object> slope = new LinkedHashMap<>();
    slope.put("rssBytes", r.slopePer100Epochs(Sample::rssBytes));
    slope.put("workspaceBytes", r.slopePer100Epochs(Sample::workspaceBytes));
    slope.put("offHeapBytes", r.slopePer100Epochs(Sample::offHeapBytes));
    slope.put("heapBytes", r.slopePer100Epochs(Sample::heapBytes));
    root.put("growthPer100EpochsAfterWarmUp", slope);
    return Json.writePretty(root);
  }

  /** Writes soak.md and soak.json into the output directory. */
  public static void write(Result r) throws IOException {
    Files.createDirectories(r.options().outDir());
    Files.writeString(
        r.options().outDir().resolve(MARKDOWN_FILE), markdown(r), StandardCharsets.UTF_8);
    Files.writeString(
        r.options().outDir().resolve(JSON_FILE), json(r) + "\n", StandardCharsets.UTF_8);
  }
}

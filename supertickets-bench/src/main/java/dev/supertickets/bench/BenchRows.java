package dev.supertickets.bench;

import ai.djl.ndarray.types.Shape;
import dev.supertickets.bench.BenchMain.BenchRow;
import dev.supertickets.bench.BenchMain.Side;
import dev.supertickets.bench.BenchTable.Engine;
import dev.supertickets.bench.BenchTable.Goal;
import dev.supertickets.bench.BenchTable.Ratio;
import dev.supertickets.bench.BenchTable.Spec;
import dev.supertickets.onnx.OnnxExport;
import dev.supertickets.space.InputSpec;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.supernet.Architecture;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rows of the issue "faster than PyTorch on the same CPU", in the order they run: the machine's
 * matmul peak (7), the default28 training step with masks (1), the mask overhead (2), the shrink
 * payoff (3), compacted-ticket inference (4), the sparse 1x1 kernel sweep (5), scaling in batch,
 * threads and width (6), and GPU rows that are skipped without a GPU. Sides with the same key are
 * timed once and reused (the unmasked batch-128 step serves the mask overhead, the shrink payoff
 * and the batch scaling).
 */
final class BenchRows {
  /** Seed of every network and batch. */
  static final int SEED = 42;

  /** Side length of the square matmul that measures the peak. */
  static final int PEAK_SIZE = 1024;

  /** The sparse row's layer: a 1x1 convolution 96 to 192 channels at 14x14. */
  static final int SPARSE_IN = 96;

  static final int SPARSE_OUT = 192;
  static final int SPARSE_PIXELS = 14 * 14;

  /**
   * Unstructured (global magnitude) sparsities of the compacted tickets timed with the sparse path
   * on and off.
   */
  static final List<Double> TICKET_SPARSITIES = List.of(0.9, 0.95);

  private static final String OURS = "SuperTickets-J";
  private static final String TORCH = "PyTorch";

  /**
   * What a sitting covers.
   *
   * @param quick whether this is the smoke run
   * @param batch the batch of the headline rows (1 to 5)
   * @param batches batch sizes of the scaling rows
   * @param threads thread counts of the scaling and peak rows
   * @param widths channel multipliers of the width rows
   * @param sparsities sparsities of the sparse sweep
   * @param cuts hidden-channel fractions of the shrink rows (0: one channel per path, the floor)
   */
  record Plan(
      boolean quick,
      int batch,
      List<Integer> batches,
      List<Integer> threads,
      List<Double> widths,
      List<Double> sparsities,
      List<Double> cuts) {
    /** The full sitting (about 15 minutes on 2 quiet cores). */
    static final Plan FULL =
        new Plan(
            false,
            128,
            List.of(1, 8, 32, 128, 256),
            List.of(1, 2),
            List.of(0.5, 1.0, 2.0),
            List.of(0.5, 0.7, 0.8, 0.9, 0.95, 0.99),
            List.of(0.5, 0.25, 0.0));

    /** The smoke run (a minute or two): smaller batches, one thread, fewer points. */
    static final Plan QUICK =
        new Plan(
            true,
            32,
            List.of(1, 32),
            List.of(1),
            List.of(0.5, 1.0),
            List.of(0.5, 0.9, 0.99),
            List.of(0.5));
  }

  private final Plan plan;
  private final SearchSpace space = SearchSpaces.default28();
  private final Map<String, Object> memo = new ConcurrentHashMap<>();
  private final List<double[]> sparseRows = new ArrayList<>();
  private final List<String> sparseNames = new ArrayList<>();

  BenchRows(Plan plan) {
    this.plan = plan;
  }

  /** Every row of the plan. */
  List<BenchRow> rows() {
    List<BenchRow> rows = new ArrayList<>();
    int b = plan.batch();
    for (int t : plan.threads()) {
      rows.add(
          new BenchRow(
              String.format(Locale.ROOT, "float32 matmul %d^3", PEAK_SIZE),
              new Side(
                  "matmul.nd4j." + t,
                  () -> MatmulStep.nd4jDense(PEAK_SIZE, PEAK_SIZE, PEAK_SIZE, 0, SEED)),
              new Side(
                  "matmul.torch." + t, () -> MatmulStep.torch(PEAK_SIZE, PEAK_SIZE, PEAK_SIZE)),
              Spec.of("7 peak", t)
                  .sides("ND4J gemm", Engine.ND4J, "PyTorch matmul", Engine.PYTORCH)
                  .flops(MatmulStep.flops(PEAK_SIZE, PEAK_SIZE, PEAK_SIZE)),
              true));
    }
    rows.add(
        new BenchRow(
            "net2 training step (batch 128, 1x28x28)",
            new Side("net2", () -> OursNet2.training(false)),
            new Side("net2.torch", TorchNet2::training),
            Spec.of("0 net2", 1),
            false));
    long fullMacs = Models.macs(space, Architecture.full(space));
    double trainFlops = 3.0 * 2 * fullMacs * b;
    Side maskedTrain =
        new Side(
            "train.masked." + b + ".t1",
            () -> OursStep.training(Models.masked(space, SEED), b, h(), w(), c(), classes(), SEED));
    rows.add(
        new BenchRow(
            "default28 supernet training step, 50% magnitude masks, batch " + b,
            maskedTrain,
            torchTrain(space, Architecture.full(space), b, 1),
            Spec.of("1 training", 1)
                .sides(OURS + " (masked)", Engine.ND4J, TORCH + " (dense)", Engine.PYTORCH)
                .goal(new Goal(1.5, true))
                .flops(trainFlops),
            false));
    rows.add(
        new BenchRow(
            "mask overhead: default28 training step, batch " + b,
            maskedTrain,
            oursTrain(space, Architecture.full(space), b, 1),
            Spec.of("2 mask overhead", 1)
                .sides(OURS + " masked", Engine.ND4J, OURS + " unmasked", Engine.ND4J)
                .ratio(Ratio.OVERHEAD, 1)
                .goal(new Goal(1.05, false))
                .flops(trainFlops),
            false));
    for (double f : plan.cuts()) {
      Architecture cut = Models.cut(space, f);
      double macsRatio = (double) fullMacs / Models.macs(space, cut);
      // fraction 0 leaves every path one channel: what a step costs that no channel cut removes (no
      // goal)
      String name =
          f == 0
              ? String.format(
                  Locale.ROOT,
                  "shrink floor: one hidden channel per path (MACs x%.3f), training step, "
                      + "batch %d",
                  1 / macsRatio,
                  b)
              : String.format(
                  Locale.ROOT,
                  "shrink payoff: %.0f%% hidden channels (MACs x%.3f), training step, "
                      + "batch %d",
                  100 * f,
                  1 / macsRatio,
                  b);
      Spec ours =
          Spec.of("3 shrink", 1)
              .sides(OURS + " cut", Engine.ND4J, OURS + " full", Engine.ND4J)
              .ratio(Ratio.SPEED_UP, macsRatio);
      rows.add(
          new BenchRow(
              name,
              oursTrain(space, cut, b, 1),
              oursTrain(space, Architecture.full(space), b, 1),
              f == 0 ? ours : ours.goal(new Goal(0.8, true)),
              false));
      rows.add(
          new BenchRow(
              name,
              torchTrain(space, cut, b, 1),
              torchTrain(space, Architecture.full(space), b, 1),
              Spec.of("3 shrink", 1)
                  .sides(TORCH + " cut", Engine.PYTORCH, TORCH + " full", Engine.PYTORCH)
                  .ratio(Ratio.SPEED_UP, macsRatio),
              false));
    }
    Architecture half = Models.cut(space, 0.5);
    long ticketMacs = Models.macs(space, half);
    for (int ib : List.of(1, b)) {
      Side compact =
          new Side(
              "infer.serving." + ib + ".t1",
              () -> OursStep.inference(ticket().serving(), ib, h(), w(), c(), SEED));
      String what = "compacted ticket inference (50% channels, 50% magnitude masks), batch " + ib;
      rows.add(
          new BenchRow(
              what,
              compact,
              torchInfer(space, half, ib, 1),
              Spec.of("4 compact", 1)
                  .sides(
                      OURS + " serving()",
                      Engine.ND4J,
                      TORCH + " same architecture",
                      Engine.PYTORCH)
                  .goal(new Goal(1.5, true))
                  .flops(2.0 * ticketMacs * ib),
              false));
      rows.add(
          new BenchRow(
              what,
              compact,
              new Side(
                  "infer.compact." + ib + ".t1",
                  () -> OursStep.inference(ticket().compact(), ib, h(), w(), c(), SEED)),
              Spec.of("4 compact", 1)
                  .sides(
                      OURS + " serving()",
                      Engine.ND4J,
                      OURS + " compact() (paths unmerged)",
                      Engine.ND4J)
                  .flops(2.0 * ticketMacs * ib),
              false));
      rows.add(
          new BenchRow(
              what,
              compact,
              new Side(
                  "infer.ticket." + ib + ".t1",
                  () -> OursStep.inference(ticket().network(), ib, h(), w(), c(), SEED)),
              Spec.of("4 compact", 1)
                  .sides(
                      OURS + " serving()",
                      Engine.ND4J,
                      OURS + " ticket uncompacted (masked)",
                      Engine.ND4J)
                  .flops(2.0 * ticketMacs * ib),
              false));
      rows.add(
          new BenchRow(
              what,
              compact,
              new Side(
                  "infer.masked." + ib + ".t1",
                  () -> OursStep.inference(Models.masked(space, SEED), ib, h(), w(), c(), SEED)),
              Spec.of("4 compact", 1)
                  .sides(
                      OURS + " serving()",
                      Engine.ND4J,
                      OURS + " uncut supernet (masked)",
                      Engine.ND4J),
              false));
    }
    for (int t : List.of(1, 2)) {
      for (int ib : List.of(1, 128)) {
        Side serving =
            new Side(
                "infer.serving." + ib + ".t" + t,
                () -> OursStep.inference(ticket().serving(), ib, h(), w(), c(), SEED));
        for (boolean merged : new boolean[] {false, true}) {
          String form = merged ? "merged-paths export" : "compact export";
          rows.add(
              new BenchRow(
                  "compacted ticket inference, batch " + ib + ": ONNX Runtime on its " + form,
                  serving,
                  new Side(
                      "infer.ort." + form + "." + ib + ".t" + t,
                      () ->
                          new OrtStep(
                              OnnxExport.of(ticket()).mergedPaths(merged).toBytes(),
                              ib,
                              h(),
                              w(),
                              c(),
                              t,
                              SEED)),
                  Spec.of("8 onnx runtime", t)
                      .sides(
                          OURS + " serving()",
                          Engine.ND4J,
                          "ONNX Runtime 1.20 " + form,
                          Engine.ONNX_RUNTIME)
                      .goal(new Goal(1.0, true))
                      .flops(2.0 * ticketMacs * ib),
                  false));
        }
      }
    }
    int m = b * SPARSE_PIXELS;
    for (double s : plan.sparsities()) {
      String name =
          String.format(
              Locale.ROOT,
              "1x1 conv %d->%d at 14x14, batch %d (x·W [%d, %d]·[%d, %d]), " + "sparsity %.2f",
              SPARSE_IN,
              SPARSE_OUT,
              b,
              m,
              SPARSE_IN,
              SPARSE_IN,
              SPARSE_OUT,
              s);
      sparseRows.add(new double[] {s});
      sparseNames.add(name);
      rows.add(
          new BenchRow(
              name,
              new Side("sparse." + s, () -> MatmulStep.sparse(m, SPARSE_IN, SPARSE_OUT, s, SEED)),
              new Side("dense." + s, () -> MatmulStep.nd4jDense(m, SPARSE_IN, SPARSE_OUT, s, SEED)),
              Spec.of("5 sparse", 1)
                  .sides("SparseMatmul", Engine.ND4J, "ND4J dense gemm", Engine.ND4J)
                  .goal(s >= 0.9 ? new Goal(1, true) : null)
                  .flops(MatmulStep.flops(m, SPARSE_IN, SPARSE_OUT)),
              false));
    }
    long fullInferMacs = Models.macs(space, Architecture.full(space));
    for (double s : TICKET_SPARSITIES) {
      // the big batch first: its passes give the JIT time to compile the network's code, which a
      // fresh JVM's first batch-1 side otherwise pays for in its timed steps (0.45 to 0.76
      // "speed-ups" at 2 to 10 warm-up steps, 1.00 at 100)
      for (int ib : List.of(b, 1)) {
        String key = String.format(Locale.ROOT, "infer.sparse-ticket.%.2f.%d.t1", s, ib);
        String name =
            String.format(
                Locale.ROOT,
                "compacted default28 ticket at %.0f%% unstructured sparsity "
                    + "(global magnitude), inference, batch %d: sparse path on / off",
                100 * s,
                ib);
        rows.add(
            new BenchRow(
                name,
                new Side(
                    key + ".on",
                    () -> OursStep.inference(sparseTicket(s), ib, h(), w(), c(), SEED, true)),
                new Side(
                    key + ".off",
                    () -> OursStep.inference(sparseTicket(s), ib, h(), w(), c(), SEED, false)),
                Spec.of("5 sparse", 1)
                    .sides(
                        OURS + " sparse path on",
                        Engine.ND4J,
                        OURS + " sparse path off",
                        Engine.ND4J)
                    .goal(new Goal(1, true))
                    .flops(2.0 * fullInferMacs * ib),
                false));
      }
    }
    for (int t : plan.threads()) {
      for (int sb : plan.batches()) {
        rows.add(
            new BenchRow(
                "scaling: default28 training step, batch " + sb,
                oursTrain(space, Architecture.full(space), sb, t),
                torchTrain(space, Architecture.full(space), sb, t),
                Spec.of("6 scaling", t).flops(3.0 * 2 * fullMacs * sb),
                false));
      }
      for (int sb : plan.batches()) {
        rows.add(
            new BenchRow(
                "scaling: default28 inference, batch " + sb,
                oursInfer(space, sb, t),
                torchInfer(space, Architecture.full(space), sb, t),
                Spec.of("6 scaling", t).flops(2.0 * fullMacs * sb),
                false));
      }
    }
    for (double x : plan.widths()) {
      SearchSpace scaled = Models.scaled(space, x);
      rows.add(
          new BenchRow(
              String.format(
                  Locale.ROOT,
                  "width: default28 channels x%s (%,d MACs), training step, " + "batch %d",
                  x,
                  scaled.cost().macs(),
                  b),
              oursTrain(scaled, Architecture.full(scaled), b, 1),
              torchTrain(scaled, Architecture.full(scaled), b, 1),
              Spec.of("6 width", 1).flops(3.0 * 2 * scaled.cost().macs() * b),
              false));
    }
    rows.add(
        new BenchRow(
            "GPU: default28 training step, batch " + b,
            new Side(
                "gpu.ours",
                () ->
                    Backend.isCuda()
                        ? OursStep.training(
                            Models.network(space, Architecture.full(space), SEED),
                            b,
                            h(),
                            w(),
                            c(),
                            classes(),
                            SEED)
                        : null,
                "skipped: ND4J runs its CPU backend (build with -Pcuda on a machine with a GPU)"),
            new Side(
                "gpu.torch", () -> null, "skipped: the bench ships DJL's pytorch-native-cpu only"),
            Spec.of("GPU", 0),
            false));
    return rows;
  }

  /**
   * The sparse sweep's break-even sparsity: where SparseMatmul starts to beat the dense GEMM,
   * interpolated linearly in the speed-up between the two sweep points around 1.
   *
   * @param table the table after the sweep ran
   * @return the note, or null when the sweep did not run
   */
  String breakEven(BenchTable table) {
    double prevS = Double.NaN;
    double prevR = Double.NaN;
    for (BenchTable.Row r : table.rows()) {
      int i = sparseNames.indexOf(r.name());
      if (i < 0 || Double.isNaN(r.ratio())) {
        continue;
      }
      double s = sparseRows.get(i)[0];
      double ratio = r.ratio();
      if (ratio >= 1) {
        if (Double.isNaN(prevS)) {
          return String.format(
              Locale.ROOT,
              "sparse 1x1 kernel: faster than dense from the first sweep point, "
                  + "sparsity %.2f (speed-up %.2f)",
              s,
              ratio);
        }
        double at = prevS + (1 - prevR) * (s - prevS) / (ratio - prevR);
        return String.format(
            Locale.ROOT,
            "sparse 1x1 kernel: break-even sparsity about %.3f (speed-up %.2f at "
                + "%.2f, %.2f at %.2f)",
            at,
            prevR,
            prevS,
            ratio,
            s);
      }
      prevS = s;
      prevR = ratio;
    }
    return Double.isNaN(prevS)
        ? null
        : String.format(
            Locale.ROOT,
            "sparse 1x1 kernel: slower than dense at every "
                + "sweep point up to sparsity %.2f (speed-up %.2f)",
            prevS,
            prevR);
  }

  private SuperTicket ticket() {
    return (SuperTicket)
        memo.computeIfAbsent(
            "ticket", k -> Models.maskedTicket(space, Models.cut(space, 0.5), SEED));
  }

  /**
   * The full default28 supernet as a compacted ticket at {@code sparsity}: masks folded into the
   * weights.
   */
  private dev.supertickets.supernet.Supernet sparseTicket(double sparsity) {
    return (dev.supertickets.supernet.Supernet)
        memo.computeIfAbsent(
            "sparse-ticket." + sparsity,
            k -> Models.maskedTicket(space, Architecture.full(space), SEED, sparsity).compact());
  }

  private Side oursTrain(SearchSpace s, Architecture arch, int batch, int threads) {
    return new Side(
        key("train", s, arch, batch, threads),
        () ->
            OursStep.training(
                Models.network(s, arch, SEED), batch, h(), w(), c(), classes(), SEED));
  }

  private Side oursInfer(SearchSpace s, int batch, int threads) {
    return new Side(
        key("infer", s, Architecture.full(s), batch, threads),
        () ->
            OursStep.inference(
                Models.network(s, Architecture.full(s), SEED), batch, h(), w(), c(), SEED));
  }

  private Side torchTrain(SearchSpace s, Architecture arch, int batch, int threads) {
    return new Side(
        key("torch.train", s, arch, batch, threads),
        () ->
            TorchStep.training(
                s.name(), new DjlSupernet(s, arch), nchw(s, batch), classes(), SEED));
  }

  private Side torchInfer(SearchSpace s, Architecture arch, int batch, int threads) {
    return new Side(
        key("torch.infer", s, arch, batch, threads),
        () ->
            TorchStep.inference(
                s.name(), new DjlSupernet(s, arch), nchw(s, batch), classes(), SEED));
  }

  private static String key(String kind, SearchSpace s, Architecture arch, int batch, int threads) {
    return kind + "." + s.name() + "." + arch.totalHidden() + ".b" + batch + ".t" + threads;
  }

  private static Shape nchw(SearchSpace s, int batch) {
    InputSpec in = s.input();
    return new Shape(batch, in.channels(), in.height(), in.width());
  }

  private int h() {
    return space.input().height();
  }

  private int w() {
    return space.input().width();
  }

  private int c() {
    return space.input().channels();
  }

  private int classes() {
    return ((dev.supertickets.space.ClassificationHead) space.head()).numClasses();
  }
}

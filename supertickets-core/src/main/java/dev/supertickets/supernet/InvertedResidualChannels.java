package dev.supertickets.supernet;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.math.IntMath;
import dev.supertickets.internal.PathLanes;
import dev.supertickets.nn.Activation;
import dev.supertickets.nn.BatchNorm;
import dev.supertickets.nn.ChannelCut;
import dev.supertickets.nn.Conv2d;
import dev.supertickets.nn.InferenceGraph;
import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.Modules;
import dev.supertickets.tensor.Workspaces;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The searchable block of HR-NAS and SuperTickets ({@code InvertedResidualChannels}): parallel
 * MobileNetV2 paths, one per kernel size, each {@code 1x1 conv → BN → act → depthwise kxk → BN →
 * act → 1x1 conv}; their sum goes through one shared BN; then the identity (stride 1, inp = oup) or
 * a 1x1 residual convolution with {@code groups = gcd(inp, oup)} is added. The search unit is a
 * hidden channel of a path, scored by the scale of the BN after its depthwise convolution; {@link
 * #keep} cuts channels out physically and drops empty paths. A block with no path left computes its
 * residual alone.
 */
public final class InvertedResidualChannels implements Module {
  private final String name;
  private final int inp;
  private final int oup;
  private final int stride;
  private final List<Path> paths = new ArrayList<>();
  private final BatchNorm sumBn;
  private final Conv2d residual;
  private final double bnMomentum;
  private final double bnEps;

  /**
   * All paths as one, for small inference batches; null unless {@link #prepareServing()} made it.
   */
  private Path merged;

  /**
   * Largest inference batch that runs the merged path: there a block is bound by per-op overhead,
   * so three paths' seven ops each in one chain of seven win, although smaller kernels run
   * zero-padded to the largest.
   */
  public static final int MERGED_MAX_BATCH = 8;

  /** One parallel path of a block. */
  public static final class Path {
    final int kernel;
    double penalty = 1;
    final Conv2d pw;
    final BatchNorm pwBn;
    final Activation act1;
    final Conv2d dw;
    final BatchNorm dwBn;
    final Activation act2;
    final Conv2d pwl;

    Path(
        String name,
        int inp,
        int oup,
        int hidden,
        int kernel,
        int stride,
        boolean relu6,
        double mom,
        double eps,
        SplittableRandom rng,
        DataType type) {
      this.kernel = kernel;
      this.pw = Conv2d.builder(name + ".pw", inp, hidden, 1).init(rng).dataType(type).build();
      this.pwBn = new BatchNorm(name + ".pw.bn", hidden, mom, eps, type);
      this.act1 = relu6 ? Activation.relu6() : Activation.relu();
      this.dw =
          Conv2d.builder(name + ".dw", hidden, hidden, kernel)
              .depthwise()
              .stride(stride)
              .init(rng)
              .dataType(type)
              .build();
      this.dwBn = new BatchNorm(name + ".dw.bn", hidden, mom, eps, type);
      this.act2 = relu6 ? Activation.relu6() : Activation.relu();
      this.pwl = Conv2d.builder(name + ".pwl", hidden, oup, 1).init(rng).dataType(type).build();
    }

    /** The depthwise kernel size of this path. */
    public int kernel() {
      return kernel;
    }

    /**
     * The resource-aware weight of this path's L1 term ({@code f_p / norm}), fixed when the
     * supernet is built.
     */
    public double penalty() {
      return penalty;
    }

    void setPenalty(double p) {
      this.penalty = p;
    }

    /** Hidden channels left in this path (channel cuts reduce it). */
    public int hidden() {
      return dwBn.channels();
    }

    /** The BN after the depthwise convolution, whose scales rank this path's hidden channels. */
    public BatchNorm importanceBn() {
      return dwBn;
    }

    /** The weights of the path's three convolutions (pointwise, depthwise, pointwise-linear). */
    public List<dev.supertickets.nn.Param> convWeights() {
      return ImmutableList.of(pw.weight(), dw.weight(), pwl.weight());
    }

    List<Module> layers() {
      return ImmutableList.of(pw, pwBn, act1, dw, dwBn, act2, pwl);
    }

    INDArray forward(INDArray x, Mode mode) {
      return Modules.forwardChain(layers(), x, mode);
    }

    INDArray backward(INDArray g) {
      return Modules.backwardChain(layers(), g);
    }

    String describe(InferenceGraph graph, String x) {
      return Modules.describeChain(layers(), graph, x);
    }

    List<ChannelCut> keep(int[] idx) {
      List<ChannelCut> cuts = new ArrayList<>();
      cuts.addAll(pw.keepOutputs(idx));
      cuts.addAll(pwBn.keep(idx));
      cuts.addAll(dw.keepOutputs(idx));
      cuts.addAll(dwBn.keep(idx));
      cuts.addAll(pwl.keepInputs(idx));
      return cuts;
    }
  }

  /**
   * A block from {@code inp} to {@code oup} channels with one path per kernel size and {@code
   * hidden[i]} hidden channels in path i.
   */
  public InvertedResidualChannels(
      String name,
      int inp,
      int oup,
      int stride,
      int[] kernels,
      int[] hidden,
      boolean relu6,
      double bnMomentum,
      double bnEps,
      SplittableRandom rng,
      DataType type) {
    checkNotNull(name, "block name must not be null");
    checkNotNull(kernels, "kernel sizes of block %s must not be null", name);
    checkNotNull(hidden, "hidden widths of block %s must not be null", name);
    checkNotNull(rng, "random stream must not be null; pass a seeded SplittableRandom");
    checkNotNull(type, "data type must not be null; use DataType.FLOAT");
    checkArgument(
        kernels.length == hidden.length,
        "block %s: %s kernel sizes but %s hidden widths",
        name,
        kernels.length,
        hidden.length);
    checkArgument(
        stride == 1 || stride == 2, "block %s: stride must be 1 or 2, got %s", name, stride);
    this.name = name;
    this.inp = inp;
    this.oup = oup;
    this.stride = stride;
    this.bnMomentum = bnMomentum;
    this.bnEps = bnEps;
    for (int i = 0; i < kernels.length; i++) {
      if (hidden[i] > 0) {
        paths.add(
            new Path(
                name + ".k" + kernels[i],
                inp,
                oup,
                hidden[i],
                kernels[i],
                stride,
                relu6,
                bnMomentum,
                bnEps,
                rng,
                type));
      }
    }
    this.sumBn = new BatchNorm(name + ".bn", oup, bnMomentum, bnEps, type);
    this.residual =
        stride == 1 && inp == oup
            ? null
            : Conv2d.builder(name + ".residual", inp, oup, 1)
                .stride(stride)
                .groups(IntMath.gcd(inp, oup))
                .init(rng)
                .dataType(type)
                .build();
  }

  /** The block's unique name, the prefix of its parameters' names. */
  public String name() {
    return name;
  }

  /** Input channels. */
  public int inp() {
    return inp;
  }

  /** Output channels. */
  public int oup() {
    return oup;
  }

  /** Spatial stride, 1 or 2. */
  public int stride() {
    return stride;
  }

  /** The live paths, one per kernel size that still has hidden channels. */
  public List<Path> paths() {
    return ImmutableList.copyOf(paths);
  }

  /** Total hidden channels over all paths. */
  public int hiddenChannels() {
    return paths.stream().mapToInt(Path::hidden).sum();
  }

  @Override
  public INDArray forward(INDArray x, Mode mode) {
    checkNotNull(x, "input must not be null");
    checkNotNull(mode, "mode must not be null; use Mode.TRAIN or Mode.EVAL");
    if (mode != Mode.EVAL) {
      merged = null; // the weights are about to change: the snapshot would go stale
    }
    INDArray shortcut = residual == null ? x : residual.forward(x, mode);
    if (paths.isEmpty()) {
      // never the input itself: callers sum into and activate a block's output in place (the fuse
      // modules)
      return residual == null ? x.dup() : shortcut;
    }
    List<Path> run = merged != null && x.size(0) <= MERGED_MAX_BATCH ? List.of(merged) : paths;
    boolean keeps = mode.cachesForBackward();
    if (keeps || PathLanes.active() && run.size() > 1) {
      // the paths in the step's lanes (PathLanes), summed in path order as on one lane; a pass that
      // keeps nothing for backward runs each path in a scratch scope of its own, keeping its output
      IntFunction<INDArray> path = i -> run.get(i).forward(x, mode);
      List<INDArray> ys =
          keeps ? PathLanes.map(laneCosts(run), path) : PathLanes.mapScoped(laneCosts(run), path);
      INDArray sum = ys.get(0);
      for (int i = 1; i < ys.size(); i++) {
        sum.addi(ys.get(i));
      }
      return sumBn.forward(sum, mode).addi(shortcut);
    }
    INDArray sum = null;
    for (Path p : run) {
      // nothing is kept for a backward pass: a path's temporaries die with the scratch scope, only
      // the sum stays
      try (MemoryWorkspace ignored = Workspaces.scratch()) {
        INDArray y = p.forward(x, mode);
        if (sum == null) {
          sum = Workspaces.keep(y);
        } else {
          sum.addi(y);
        }
      }
    }
    return sumBn.forward(sum, mode).addi(shortcut);
  }

  /**
   * The paths as {@link #forward} runs them in {@link Mode#EVAL}: the merged path when one is in
   * force.
   */
  @Override
  public String describe(InferenceGraph graph, String x) {
    String shortcut = residual == null ? x : residual.describe(graph, x);
    if (paths.isEmpty()) {
      return shortcut;
    }
    String sum = null;
    for (Path p : merged != null ? List.of(merged) : paths) {
      String y = p.describe(graph, x);
      sum = sum == null ? y : graph.add(sum, y);
    }
    return graph.add(sumBn.describe(graph, sum), shortcut);
  }

  /**
   * Snapshots the paths as one merged path that {@link Mode#EVAL} passes of at most {@link
   * #MERGED_MAX_BATCH} images run instead: the paths' 1x1 convolutions side by side as one GEMM
   * each, their batch norms side by side, and one depthwise convolution with every kernel centred,
   * zero-padded, in the largest (the same function: a centred k×k kernel with padding (k-1)/2 sees
   * the same pixels). A snapshot: any pass in another mode drops it; weights changed otherwise
   * leave it stale until this is called again.
   */
  public void prepareServing() {
    merged = paths.size() < 2 ? null : mergePaths();
  }

  /** Whether {@link #prepareServing()} left a merged path in force. */
  public boolean isMerged() {
    return merged != null;
  }

  private Path mergePaths() {
    try (MemoryWorkspace ignored = Workspaces.outside()) { // the snapshot outlives any step
      int total = hiddenChannels();
      int kmax = paths.stream().mapToInt(Path::kernel).max().orElseThrow();
      Path first = paths.get(0);
      Path m =
          new Path(
              name + ".merged",
              inp,
              oup,
              total,
              kmax,
              stride,
              first.act1.kind() == Activation.Kind.RELU6,
              bnMomentum,
              bnEps,
              new SplittableRandom(0),
              first.pw.weight().value().dataType());
      INDArray dw = Nd4j.zeros(m.dw.weight().value().dataType(), kmax, kmax, 1, total);
      int at = 0;
      for (Path p : paths) {
        int h = p.hidden();
        int off = (kmax - p.kernel) / 2;
        INDArrayIndex cols = NDArrayIndex.interval(at, at + h);
        m.pw.weight().value().get(all(), all(), all(), cols).assign(p.pw.weight().effective());
        m.pwl.weight().value().get(all(), all(), cols, all()).assign(p.pwl.weight().effective());
        dw.get(
                NDArrayIndex.interval(off, off + p.kernel),
                NDArrayIndex.interval(off, off + p.kernel),
                all(),
                cols)
            .assign(p.dw.weight().effective().reshape('c', p.kernel, p.kernel, 1, h));
        copyBn(p.pwBn, m.pwBn, cols);
        copyBn(p.dwBn, m.dwBn, cols);
        at += h;
      }
      m.dw.weight().value().assign(dw.reshape(m.dw.weight().value().shape()));
      return m;
    }
  }

  private static void copyBn(BatchNorm from, BatchNorm to, INDArrayIndex cols) {
    to.gamma().value().get(all(), cols).assign(from.gamma().value());
    to.beta().value().get(all(), cols).assign(from.beta().value());
    to.runningMean().get(all(), cols).assign(from.runningMean());
    to.runningVar().get(all(), cols).assign(from.runningVar());
  }

  private static INDArrayIndex all() {
    return NDArrayIndex.all();
  }

  @Override
  public INDArray backward(INDArray gradOut) {
    checkNotNull(gradOut, "output gradient must not be null");
    INDArray dx = residual == null ? gradOut.dup() : residual.backward(gradOut);
    if (paths.isEmpty()) {
      return dx;
    }
    INDArray gSum = sumBn.backward(gradOut);
    if (PathLanes.active() && paths.size() > 1) {
      // each path's input gradient kept past its scratch scope, then added in path order as below
      List<INDArray> dxs = PathLanes.mapScoped(laneCosts(paths), i -> paths.get(i).backward(gSum));
      for (INDArray d : dxs) {
        dx.addi(d);
      }
      return dx;
    }
    for (Path p : paths) {
      // a path's temporaries die here (parameter gradients accumulate in place), not at the end of
      // the step
      try (MemoryWorkspace ignored = Workspaces.scratch()) {
        dx.addi(p.backward(gSum));
      }
    }
    return dx;
  }

  /**
   * Each path's work in a step, for {@link PathLanes} to split: per hidden channel its k x k
   * depthwise taps, plus its 1x1 convolutions and batch norms, which cost about what 90 taps do
   * (reference28 at batch 128, timed in two lanes: paths 3 and 5 together 122 ms a step, path 7
   * alone 79 ms).
   */
  private static double[] laneCosts(List<Path> run) {
    double[] cost = new double[run.size()];
    for (int i = 0; i < cost.length; i++) {
      Path p = run.get(i);
      cost[i] = p.hidden() * (90.0 + p.kernel() * p.kernel());
    }
    return cost;
  }

  @Override
  public List<Module> children() {
    ImmutableList.Builder<Module> b = ImmutableList.builder();
    for (Path p : paths) {
      b.addAll(p.layers());
    }
    if (!paths.isEmpty()) {
      b.add(sumBn);
    }
    if (residual != null) {
      b.add(residual);
    }
    return b.build();
  }

  /**
   * Keeps, in path i, only the hidden channels where {@code keep[i][c]} is true; paths left with no
   * channel vanish. Returns every parameter cut so the caller can cut optimizer state and EMA
   * shadows the same way.
   */
  public List<ChannelCut> keep(boolean[][] keep) {
    checkArgument(
        keep.length == paths.size(),
        "block %s has %s paths, got %s keep vectors",
        name,
        paths.size(),
        keep.length);
    List<ChannelCut> cuts = new ArrayList<>();
    List<Path> survivors = new ArrayList<>();
    for (int i = 0; i < keep.length; i++) {
      Path p = paths.get(i);
      checkArgument(
          keep[i].length == p.hidden(),
          "path %s has %s channels, got %s flags",
          i,
          p.hidden(),
          keep[i].length);
      int[] idx = indices(keep[i]);
      if (idx.length == p.hidden()) {
        survivors.add(p);
      } else if (idx.length > 0) {
        cuts.addAll(p.keep(idx));
        survivors.add(p);
      }
    }
    paths.clear();
    paths.addAll(survivors);
    merged = null;
    return cuts;
  }

  private static int[] indices(boolean[] flags) {
    int n = 0;
    for (boolean f : flags) {
      n += f ? 1 : 0;
    }
    int[] out = new int[n];
    int j = 0;
    for (int i = 0; i < flags.length; i++) {
      if (flags[i]) {
        out[j++] = i;
      }
    }
    return out;
  }

  double bnMomentum() {
    return bnMomentum;
  }

  double bnEps() {
    return bnEps;
  }
}

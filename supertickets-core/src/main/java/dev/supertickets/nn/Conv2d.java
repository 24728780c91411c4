package dev.supertickets.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import dev.supertickets.internal.DepthwiseBackward;
import dev.supertickets.internal.PathLanes;
import dev.supertickets.internal.SparseMatmul;
import dev.supertickets.tensor.Kernels;
import dev.supertickets.tensor.Tensors;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * 2-D convolution on NHWC activations with a maskable weight of shape {@code [kH, kW, cIn/groups,
 * cOut]}.
 *
 * <p>Routes by shape, because the routes differ several-fold in speed on CPU: a 1x1 convolution is
 * one GEMM on the {@code [N*H*W, C]} view (the mask multiplies the small weight matrix first), or
 * in eval mode, for a weight at least {@link SparsePath#THRESHOLD} zeros where it is estimated
 * faster, a {@link SparseMatmul}; a depthwise convolution uses libnd4j's depthwise op; other
 * grouped convolutions run group by group; the rest uses libnd4j's conv2d op. Initialisation
 * follows the reference (mnas): N(0, 2/fan_out), fan_out = k*k*cOut/groups.
 */
public final class Conv2d implements Module {
  private int cin;
  private int cout;
  private final int kernel;
  private final int stride;
  private final int padding;
  private int groups;
  // kept apart from the group count: a depthwise convolution cut to one channel has one group, yet
  // must stay on the depthwise route (the dense conv2d_bp route took 10 times as long for it)
  private final boolean depthwise;
  private final Param weight;
  private final Param bias;
  private INDArray input;
  // grouped 1x1: the block-diagonal matrix of the forward pass, reused by backward
  private INDArray dense;
  private long lastOutPixels = -1;
  // the sparse kernel of a pointwise weight in eval mode, rebuilt when the weight changes
  private final SparsePath sparse = new SparsePath();

  private Conv2d(Builder b) {
    this.cin = b.cin;
    this.cout = b.cout;
    this.kernel = b.kernel;
    this.stride = b.stride;
    this.padding = b.padding < 0 ? (b.kernel - 1) / 2 : b.padding;
    this.groups = b.groups;
    this.depthwise = b.groups == b.cin && b.cin == b.cout && (b.groups > 1 || b.depthwise);
    double std = Math.sqrt(2.0 / ((double) kernel * kernel * cout / groups));
    this.weight =
        new Param(
            b.name + ".weight",
            Param.Kind.CONV_WEIGHT,
            Tensors.gaussian(b.rng, std, b.type, kernel, kernel, cin / groups, cout));
    this.bias =
        b.bias ? new Param(b.name + ".bias", Param.Kind.BIAS, Nd4j.zeros(b.type, 1, cout)) : null;
  }

  /** Starts a convolution from {@code cin} to {@code cout} channels with a square kernel. */
  public static Builder builder(String name, int cin, int cout, int kernel) {
    return new Builder(name, cin, cout, kernel);
  }

  /** The maskable kernel, shape {@code [kH, kW, cIn/groups, cOut]}. */
  public Param weight() {
    return weight;
  }

  /** Input channels (reduced by channel cuts). */
  public int inChannels() {
    return cin;
  }

  /** Output channels (reduced by channel cuts). */
  public int outChannels() {
    return cout;
  }

  /** The square kernel's side. */
  public int kernel() {
    return kernel;
  }

  /** The stride in both spatial directions. */
  public int stride() {
    return stride;
  }

  /** The symmetric zero padding in pixels. */
  public int padding() {
    return padding;
  }

  /** The number of groups; equal to the channel count for a depthwise convolution. */
  public int groups() {
    return groups;
  }

  /**
   * Whether every channel has its own filter: built with {@link Builder#depthwise()} or with groups
   * equal to both channel counts, more than one; a depthwise convolution stays one when cuts leave
   * it a single channel.
   */
  public boolean isDepthwise() {
    return depthwise;
  }

  /** Output spatial size for an input of size {@code in}. */
  public int outSize(int in) {
    return (in + 2 * padding - kernel) / stride + 1;
  }

  /**
   * Keeps only output channels {@code keep} (for a depthwise convolution, input and output channels
   * together). Returns the parameter cuts made.
   */
  public List<ChannelCut> keepOutputs(int[] keep) {
    checkArgument(
        groups == 1 || isDepthwise(),
        "only dense or depthwise convolutions can be cut, %s has %s groups",
        weight.name(),
        groups);
    boolean dw = isDepthwise();
    ImmutableList.Builder<ChannelCut> cuts = ImmutableList.builder();
    cuts.add(weight.cut(3, keep));
    if (bias != null) {
      cuts.add(bias.cut(1, keep));
    }
    cout = keep.length;
    if (dw) {
      cin = keep.length;
      groups = Math.max(1, keep.length);
    }
    return cuts.build();
  }

  /**
   * Keeps only input channels {@code keep} of a dense (groups = 1) convolution. Returns the cuts
   * made.
   */
  public List<ChannelCut> keepInputs(int[] keep) {
    checkArgument(
        groups == 1,
        "only a dense convolution's inputs can be cut, %s has %s groups",
        weight.name(),
        groups);
    cin = keep.length;
    return ImmutableList.of(weight.cut(2, keep));
  }

  /** Output pixels (H·W) of the last forward pass, or -1 before the first. */
  public long lastOutputPixels() {
    return lastOutPixels;
  }

  /**
   * Multiply-accumulates per image of the last forward pass: {@code
   * H_out·W_out·k²·cIn·cOut/groups}.
   */
  public long macs() {
    return lastOutPixels * weight.size();
  }

  /** Multiply-accumulates per image counting only active (unmasked) weights. */
  public long sparseMacs() {
    return lastOutPixels * weight.activeCount();
  }

  /**
   * The layer's sparse path: {@link SparsePath#lastSparse()} tells whether the last pass took it.
   */
  public SparsePath sparsePath() {
    return sparse;
  }

  @Override
  public List<Param> ownParams() {
    return bias == null ? ImmutableList.of(weight) : ImmutableList.of(weight, bias);
  }

  @Override
  public INDArray forward(INDArray x, Mode mode) {
    checkNotNull(x, "input must not be null");
    checkNotNull(mode, "mode must not be null; use Mode.TRAIN or Mode.EVAL");
    checkArgument(
        x.rank() == 4 && x.size(3) == cin,
        "%s expects NHWC input with %s channels, got shape %s",
        weight.name(),
        cin,
        java.util.Arrays.toString(x.shape()));
    if (mode.cachesForBackward()) {
      input = x;
    }
    lastOutPixels = (long) outSize((int) x.size(1)) * outSize((int) x.size(2));
    INDArray w = weight.effective();
    INDArray y;
    if (kernel == 1 && padding == 0 && groups == 1) {
      INDArray w2 = w.reshape('c', cin, cout);
      SparseMatmul s = sparse.kernel(weight, w2, cin, cout, x.size(0) * lastOutPixels, x, mode);
      y = s == null ? pointwise(x, w2) : sparsePointwise(x, s);
    } else if (isGroupedPointwise() && Kernels.java()) {
      INDArray d = blockDiagonal(w);
      if (mode.cachesForBackward()) {
        dense = d;
      }
      y = pointwise(x, d);
    } else if (isDepthwise()) {
      y =
          exec(
              "depthwise_conv2d",
              new INDArray[] {x, w.reshape('c', kernel, kernel, cin, 1)},
              outShape(x, cout));
    } else if (groups == 1) {
      y = exec("conv2d", new INDArray[] {x, w}, outShape(x, cout));
    } else {
      y = perGroup(x, w, null);
    }
    if (bias != null) {
      Tensors.rows(y)
          .addiRowVector(bias.value()); // on the 2-D view: rank-4 row ops broadcast along axis 1
    }
    return y;
  }

  @Override
  public INDArray backward(INDArray gradOut) {
    checkNotNull(gradOut, "output gradient must not be null");
    checkState(
        input != null, "backward called before a training forward pass on %s", weight.name());
    INDArray x = input;
    INDArray w = weight.effective();
    if (bias != null) {
      bias.accumulateGrad(Tensors.columnSums(Tensors.rows(gradOut)));
    }
    INDArray dx;
    if (kernel == 1 && padding == 0 && groups == 1) {
      dx = pointwiseBackward(x, w.reshape('c', cin, cout), gradOut, false);
    } else if (isGroupedPointwise() && Kernels.java()) {
      dx = pointwiseBackward(x, dense, gradOut, true);
    } else if (isDepthwise() && !Kernels.java()) {
      // libnd4j's own backward pass: slower on the CPU than the Java kernel, but no host copies on
      // a device
      INDArray dw = Nd4j.createUninitialized(w.dataType(), kernel, kernel, cin, 1);
      dx = Nd4j.createUninitialized(x.dataType(), x.shape());
      execBp(
          "depthwise_conv2d_bp",
          new INDArray[] {x, w.reshape('c', kernel, kernel, cin, 1), gradOut},
          new INDArray[] {dx, dw});
      weight.accumulateGrad(dw.reshape('c', w.shape()));
    } else if (isDepthwise()) {
      dx =
          DepthwiseBackward.backward(
              x, w, gradOut, kernel, stride, padding, weight::accumulateGrad);
    } else if (groups == 1) {
      INDArray dw = Nd4j.createUninitialized(w.dataType(), w.shape());
      dx = Nd4j.createUninitialized(x.dataType(), x.shape());
      execBp("conv2d_bp", new INDArray[] {x, w, gradOut}, new INDArray[] {dx, dw});
      weight.accumulateGrad(dw);
    } else {
      dx = Nd4j.createUninitialized(x.dataType(), x.shape());
      perGroup(x, w, new INDArray[] {gradOut, dx});
    }
    return dx;
  }

  @Override
  public String describe(InferenceGraph graph, String x) {
    return graph.conv(
        weight.name(),
        x,
        weight.effective(),
        bias == null ? null : bias.value(),
        stride,
        padding,
        groups);
  }

  @Override
  public void clearCache() {
    input = null;
    dense = null;
  }

  /**
   * 1x1 convolution (any stride) as one GEMM of the [N*H*W, C] view of the (subsampled) input by w2
   * [cin, cout].
   */
  private INDArray pointwise(INDArray x, INDArray w2) {
    INDArray xs = subsample(x);
    INDArray y = Tensors.matmul(Tensors.rows(xs), w2, false, false);
    return y.reshape('c', xs.size(0), xs.size(1), xs.size(2), cout);
  }

  /**
   * The pointwise product through the sparse kernel (eval mode, a sparse weight: see {@link
   * SparsePath}).
   */
  private INDArray sparsePointwise(INDArray x, SparseMatmul s) {
    INDArray xs = subsample(x);
    return s.multiply(Tensors.rows(xs)).reshape('c', xs.size(0), xs.size(1), xs.size(2), cout);
  }

  private INDArray pointwiseBackward(INDArray x, INDArray w2, INDArray gradOut, boolean grouped) {
    INDArray xs = subsample(x);
    INDArray g2 = Tensors.rows(gradOut);
    // the weight gradient is off the backward pass's chain: a helper lane may take it
    PathLanes.offload(
        () -> {
          INDArray dw = Tensors.matmul(Tensors.rows(xs), g2, true, false);
          weight.accumulateGrad(grouped ? diagonalBlocks(dw) : dw.reshape('c', 1, 1, cin, cout));
        });
    INDArray dxs =
        Tensors.matmul(g2, w2, false, true).reshape('c', xs.size(0), xs.size(1), xs.size(2), cin);
    if (stride == 1) {
      return dxs;
    }
    INDArray dx = Nd4j.zeros(x.dataType(), x.shape());
    dx.get(NDArrayIndex.all(), every(x.size(1)), every(x.size(2)), NDArrayIndex.all()).assign(dxs);
    return dx;
  }

  /**
   * A grouped 1x1 convolution that is not depthwise: run as one dense GEMM on a block-diagonal
   * matrix.
   */
  private boolean isGroupedPointwise() {
    return kernel == 1 && padding == 0 && groups > 1 && !isDepthwise();
  }

  /**
   * The dense {@code [cin, cout]} matrix of a grouped 1x1 weight {@code [1, 1, cin/g, cout]}: one
   * GEMM over it does g times the useful work yet beats g small convolutions plus their slicing
   * copies (gcd groups in the searchable block's residual are small, e.g. 12 of 1x2).
   */
  private INDArray blockDiagonal(INDArray w) {
    int gi = cin / groups;
    int go = cout / groups;
    double[] src = Tensors.contiguous(w).data().asDouble();
    double[] dense = new double[cin * cout];
    for (int a = 0; a < gi; a++) {
      for (int o = 0; o < cout; o++) {
        dense[((o / go) * gi + a) * cout + o] = src[a * cout + o];
      }
    }
    return Nd4j.create(dense, new long[] {cin, cout}, 'c').castTo(w.dataType());
  }

  /**
   * The inverse of {@link #blockDiagonal}: the weight-shaped blocks of a dense {@code [cin, cout]}
   * gradient.
   */
  private INDArray diagonalBlocks(INDArray dense) {
    int gi = cin / groups;
    int go = cout / groups;
    double[] src = Tensors.contiguous(dense).data().asDouble();
    double[] w = new double[gi * cout];
    for (int a = 0; a < gi; a++) {
      for (int o = 0; o < cout; o++) {
        w[a * cout + o] = src[((o / go) * gi + a) * cout + o];
      }
    }
    return Nd4j.create(w, new long[] {1, 1, gi, cout}, 'c').castTo(dense.dataType());
  }

  private INDArray subsample(INDArray x) {
    if (stride == 1) {
      return x;
    }
    return x.get(NDArrayIndex.all(), every(x.size(1)), every(x.size(2)), NDArrayIndex.all())
        .dup('c');
  }

  /**
   * Every stride-th index of an axis; ND4J refuses a strided interval over an axis of one element.
   */
  private INDArrayIndex every(long size) {
    return size == 1 ? NDArrayIndex.all() : NDArrayIndex.interval(0, stride, size);
  }

  /**
   * Grouped convolution, one group at a time. Forward when {@code grads} is null; otherwise
   * backward with {@code grads = {gradOut, dx}}, writing dx and accumulating the weight gradient.
   */
  private INDArray perGroup(INDArray x, INDArray w, INDArray[] grads) {
    int gi = cin / groups;
    int go = cout / groups;
    INDArray y = grads == null ? Nd4j.createUninitialized(x.dataType(), outShape(x, cout)) : null;
    INDArray dw = grads == null ? null : Nd4j.createUninitialized(w.dataType(), w.shape());
    for (int g = 0; g < groups; g++) {
      INDArray xg =
          x.get(
                  NDArrayIndex.all(),
                  NDArrayIndex.all(),
                  NDArrayIndex.all(),
                  NDArrayIndex.interval(g * gi, (g + 1) * gi))
              .dup('c');
      INDArray wg =
          w.get(
                  NDArrayIndex.all(),
                  NDArrayIndex.all(),
                  NDArrayIndex.all(),
                  NDArrayIndex.interval(g * go, (g + 1) * go))
              .dup('c');
      if (grads == null) {
        INDArray yg = exec("conv2d", new INDArray[] {xg, wg}, outShape(xg, go));
        y.get(
                NDArrayIndex.all(),
                NDArrayIndex.all(),
                NDArrayIndex.all(),
                NDArrayIndex.interval(g * go, (g + 1) * go))
            .assign(yg);
      } else {
        INDArray gog =
            grads[0]
                .get(
                    NDArrayIndex.all(),
                    NDArrayIndex.all(),
                    NDArrayIndex.all(),
                    NDArrayIndex.interval(g * go, (g + 1) * go))
                .dup('c');
        INDArray dxg = Nd4j.createUninitialized(xg.dataType(), xg.shape());
        INDArray dwg = Nd4j.createUninitialized(wg.dataType(), wg.shape());
        execBp("conv2d_bp", new INDArray[] {xg, wg, gog}, new INDArray[] {dxg, dwg});
        grads[1]
            .get(
                NDArrayIndex.all(),
                NDArrayIndex.all(),
                NDArrayIndex.all(),
                NDArrayIndex.interval(g * gi, (g + 1) * gi))
            .assign(dxg);
        dw.get(
                NDArrayIndex.all(),
                NDArrayIndex.all(),
                NDArrayIndex.all(),
                NDArrayIndex.interval(g * go, (g + 1) * go))
            .assign(dwg);
      }
    }
    if (grads != null) {
      weight.accumulateGrad(dw);
    }
    return y;
  }

  private long[] outShape(INDArray x, int channels) {
    return new long[] {x.size(0), outSize((int) x.size(1)), outSize((int) x.size(2)), channels};
  }

  private int[] iArgs() {
    // kH, kW, sH, sW, pH, pW, dH, dW, isSameMode=0, dataFormat=1 (NHWC), wFormat=0 ([kH, kW, iC,
    // oC])
    return new int[] {kernel, kernel, stride, stride, padding, padding, 1, 1, 0, 1, 0};
  }

  private INDArray exec(String op, INDArray[] inputs, long[] outShape) {
    INDArray out = Nd4j.createUninitialized(inputs[0].dataType(), outShape);
    Nd4j.exec(
        DynamicCustomOp.builder(op)
            .addInputs(inputs)
            .addOutputs(out)
            .addIntegerArguments(iArgs())
            .build());
    return out;
  }

  private void execBp(String op, INDArray[] inputs, INDArray[] outputs) {
    Nd4j.exec(
        DynamicCustomOp.builder(op)
            .addInputs(inputs)
            .addOutputs(outputs)
            .addIntegerArguments(iArgs())
            .build());
  }

  /** Fluent configuration of a {@link Conv2d}. */
  public static final class Builder {
    private final String name;
    private final int cin;
    private final int cout;
    private final int kernel;
    private int stride = 1;
    private int padding = -1;
    private int groups = 1;
    private boolean bias;
    private boolean depthwise;
    private SplittableRandom rng = new SplittableRandom(0);
    private DataType type = DataType.FLOAT;

    private Builder(String name, int cin, int cout, int kernel) {
      checkNotNull(name, "convolution name must not be null; parameters are named after it");
      checkArgument(cin > 0 && cout > 0, "channels must be positive, got %s -> %s", cin, cout);
      checkArgument(kernel > 0, "kernel size must be positive, got %s", kernel);
      this.name = name;
      this.cin = cin;
      this.cout = cout;
      this.kernel = kernel;
    }

    /** Stride in both directions; default 1. */
    public Builder stride(int s) {
      checkArgument(s > 0, "stride must be positive, got %s", s);
      this.stride = s;
      return this;
    }

    /**
     * Symmetric zero padding; by default (k-1)/2, which keeps the size at stride 1 for odd kernels.
     */
    public Builder padding(int p) {
      checkArgument(p >= 0, "padding must be non-negative, got %s", p);
      this.padding = p;
      return this;
    }

    /** Grouped convolution; {@code g} must divide both channel counts; default 1. */
    public Builder groups(int g) {
      checkArgument(
          g > 0 && cin % g == 0 && cout % g == 0,
          "groups must divide both channel counts (%s, %s), got %s",
          cin,
          cout,
          g);
      this.groups = g;
      return this;
    }

    /** Depthwise: one filter per channel (needs cin == cout). */
    public Builder depthwise() {
      checkArgument(
          cin == cout, "a depthwise convolution needs cin == cout, got %s -> %s", cin, cout);
      this.depthwise = true;
      return groups(cin);
    }

    /** Whether to add a (never pruned) bias; default none, as BN usually follows. */
    public Builder bias(boolean withBias) {
      this.bias = withBias;
      return this;
    }

    /** The random stream that draws the initial weights; default a fixed seed 0. */
    public Builder init(SplittableRandom rng) {
      this.rng =
          checkNotNull(rng, "random stream must not be null; pass a seeded SplittableRandom");
      return this;
    }

    /** The parameters' data type; default FLOAT. */
    public Builder dataType(DataType t) {
      this.type = checkNotNull(t, "data type must not be null; use DataType.FLOAT");
      return this;
    }

    /** A convolution with freshly initialised weights. */
    public Conv2d build() {
      return new Conv2d(this);
    }
  }
}

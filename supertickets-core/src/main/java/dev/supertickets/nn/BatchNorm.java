package dev.supertickets.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import dev.supertickets.internal.ChannelKernels;
import dev.supertickets.tensor.Tensors;
import java.nio.FloatBuffer;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalisation over the channel (last) axis of NHWC activations, with PyTorch's conventions:
 * running statistics {@code r = (1-m) r + m batch} with the unbiased batch variance, and a
 * cumulative average in {@link Mode#CALIBRATE}. Statistics and the backward pass are GEMVs on the
 * {@code [N*H*W, C]} view, because libnd4j's {@code batchnorm_bp} and reductions along non-last
 * axes are many times slower on CPU.
 */
public final class BatchNorm implements Module {
  private int channels;
  private final double momentum;
  private final double eps;
  private final Param gamma;
  private final Param beta;
  private INDArray runningMean;
  private INDArray runningVar;
  private long calibrationBatches;
  private INDArray xhat;
  private INDArray invStd;
  // single precision keeps the input and per-channel statistics instead of x-hat (fused kernels)
  private INDArray input;
  private float[] batchMean;
  private float[] batchInv;
  // Mode.FROZEN: x-hat under the running statistics, and gamma / sigma
  private INDArray frozenXhat;
  private INDArray frozenScale;

  /**
   * Batch norm over {@code channels} channels; {@code momentum} in (0, 1] weighs each batch in the
   * running statistics (PyTorch's convention), {@code eps} is added to the variance.
   */
  public BatchNorm(String name, int channels, double momentum, double eps, DataType type) {
    checkNotNull(name, "batch-norm name must not be null; parameters are named after it");
    checkNotNull(type, "data type must not be null; use DataType.FLOAT");
    checkArgument(channels > 0, "channels must be positive, got %s", channels);
    checkArgument(momentum > 0 && momentum <= 1, "momentum must be in (0, 1], got %s", momentum);
    checkArgument(eps > 0, "eps must be positive, got %s", eps);
    this.channels = channels;
    this.momentum = momentum;
    this.eps = eps;
    this.gamma = new Param(name + ".gamma", Param.Kind.BN_SCALE, Nd4j.ones(type, 1, channels));
    this.beta = new Param(name + ".beta", Param.Kind.BN_SHIFT, Nd4j.zeros(type, 1, channels));
    this.runningMean = Nd4j.zeros(type, 1, channels).detach();
    this.runningVar = Nd4j.ones(type, 1, channels).detach();
  }

  /** The reference's settings for classification and segmentation: momentum 0.01, eps 1e-3. */
  public BatchNorm(String name, int channels) {
    this(name, channels, 0.01, 1e-3, DataType.FLOAT);
  }

  /**
   * The per-channel scale, shape {@code [1, C]}; the search cuts channels whose |gamma| is small.
   */
  public Param gamma() {
    return gamma;
  }

  /** The per-channel shift, shape {@code [1, C]}. */
  public Param beta() {
    return beta;
  }

  /** The current number of channels (channel cuts reduce it). */
  public int channels() {
    return channels;
  }

  /** The running mean used in {@link Mode#EVAL}, shape {@code [1, C]}. */
  public INDArray runningMean() {
    return runningMean;
  }

  /** The running (unbiased) variance used in {@link Mode#EVAL}, shape {@code [1, C]}. */
  public INDArray runningVar() {
    return runningVar;
  }

  /** Replaces the running statistics (EMA swaps, channel cuts). */
  public void setRunningStats(INDArray mean, INDArray var) {
    this.runningMean = mean.detach();
    this.runningVar = var.detach();
  }

  /**
   * Starts a BN re-calibration: the next {@link Mode#CALIBRATE} passes average their statistics
   * cumulatively.
   */
  public void resetRunningStats() {
    runningMean.assign(0);
    runningVar.assign(1);
    calibrationBatches = 0;
  }

  /**
   * Keeps only channels {@code keep} (scale, shift and running statistics). Returns the parameter
   * cuts made.
   */
  public List<ChannelCut> keep(int[] keep) {
    runningMean = ChannelCut.take(runningMean, 1, keep);
    runningVar = ChannelCut.take(runningVar, 1, keep);
    channels = keep.length;
    return ImmutableList.of(gamma.cut(1, keep), beta.cut(1, keep));
  }

  @Override
  public List<Param> ownParams() {
    return ImmutableList.of(gamma, beta);
  }

  @Override
  public INDArray forward(INDArray x, Mode mode) {
    return forward(x, mode, null);
  }

  /**
   * Batch norm then {@code act} in one pass over the tensor where the fused kernels apply (float),
   * else one after the other; {@code act} keeps its output for its own backward, as if it had run
   * alone.
   */
  INDArray forwardThen(INDArray x, Mode mode, Activation act) {
    checkNotNull(act, "activation must not be null");
    return act.remember(forward(x, mode, act.kind()), mode);
  }

  private INDArray forward(INDArray x, Mode mode, Activation.Kind clamp) {
    checkNotNull(x, "input must not be null");
    checkNotNull(mode, "mode must not be null; use Mode.TRAIN or Mode.EVAL");
    checkArgument(
        x.size(x.rank() - 1) == channels,
        "%s expects %s channels in the last axis, got shape %s",
        gamma.name(),
        channels,
        java.util.Arrays.toString(x.shape()));
    if (mode.cachesForBackward()) {
      // what a TRAIN pass keeps must not survive into a FROZEN backward, and the other way round
      clearCache();
    }
    INDArray x2 = Tensors.rows(x);
    long m = x2.size(0);
    INDArray y;
    if (mode == Mode.EVAL
        && ChannelKernels.applies(x2)
        && runningVar.dataType() == DataType.FLOAT) {
      return evalForwardFloat(x, x2, clamp);
    }
    if (mode == Mode.EVAL || mode == Mode.FROZEN) {
      INDArray inv = Transforms.pow(runningVar.add(eps), -0.5, false);
      INDArray scale = gamma.value().mul(inv);
      INDArray shift = beta.value().sub(runningMean.mul(scale));
      if (mode == Mode.FROZEN) {
        frozenXhat = x2.sub(runningMean).muli(inv);
        frozenScale = scale;
      }
      y = x2.mul(scale).addi(shift);
    } else if (ChannelKernels.applies(x2)) {
      return trainForwardFloat(x, x2, m, mode, clamp);
    } else {
      // implicit broadcasting (x.mul(row)) is faster here than the *RowVector ops
      // statistics accumulated in double, as the fused float kernels do
      DataType t = x2.dataType();
      INDArray xd = x2.castTo(DataType.DOUBLE);
      INDArray meanD = Tensors.columnSums(xd).divi(m);
      INDArray xcD = xd.sub(meanD);
      INDArray varD = Tensors.columnSums(xcD.mul(xcD)).divi(m);
      INDArray invD = Transforms.pow(varD.add(eps), -0.5, false);
      INDArray mean = meanD.castTo(t);
      INDArray var = varD.castTo(t);
      INDArray inv = invD.castTo(t);
      INDArray xh = xcD.muli(invD).castTo(t);
      y = xh.mul(gamma.value()).addi(beta.value());
      if (dev.supertickets.tensor.Kernels.java()) {
        updateRunningStats(
            Tensors.contiguous(mean).data().asDouble(),
            Tensors.contiguous(var).data().asDouble(),
            m,
            mode);
      } else {
        updateRunningStats(mean, var, m, mode);
      }
      if (mode == Mode.TRAIN) {
        xhat = xh;
        invStd = inv;
      }
    }
    y = y.reshape('c', x.shape());
    return clamp == null ? y : Activation.apply(clamp, y);
  }

  // per-channel scale and shift from the running statistics, in Java: at small batches the five
  // ND4J ops this replaces cost more than the pass over the tensor
  private INDArray evalForwardFloat(INDArray x, INDArray x2, Activation.Kind clamp) {
    float[] mean = runningMean.data().asFloat();
    float[] var = runningVar.data().asFloat();
    float[] inv = new float[channels];
    for (int c = 0; c < channels; c++) {
      inv[c] = (float) (1 / Math.sqrt(var[c] + eps));
    }
    return normalize(x, x2, mean, inv, clamp);
  }

  /**
   * {@code gamma (x - mean) inv + beta} per channel, then {@code clamp} if not null, as one pass.
   */
  private INDArray normalize(
      INDArray x, INDArray x2, float[] mean, float[] inv, Activation.Kind clamp) {
    float[] g = gamma.value().data().asFloat();
    float[] b = beta.value().data().asFloat();
    float[] scale = new float[channels];
    float[] shift = new float[channels];
    for (int c = 0; c < channels; c++) {
      scale[c] = g[c] * inv[c];
      shift[c] = b[c] - mean[c] * scale[c];
    }
    return ChannelKernels.affine(x2, channels, scale, shift, clamp).reshape('c', x.shape());
  }

  private INDArray trainForwardFloat(
      INDArray x, INDArray x2, long m, Mode mode, Activation.Kind clamp) {
    float[] mean = new float[channels];
    double[] s = ChannelKernels.sums(x2, channels, null)[0];
    for (int c = 0; c < channels; c++) {
      mean[c] = (float) (s[c] / m);
    }
    double[] sq = ChannelKernels.sums(x2, channels, mean)[1];
    float[] var = new float[channels];
    float[] inv = new float[channels];
    for (int c = 0; c < channels; c++) {
      var[c] = (float) (sq[c] / m);
      inv[c] = (float) (1 / Math.sqrt(sq[c] / m + eps));
    }
    updateRunningStats(doubles(mean), doubles(var), m, mode);
    if (mode == Mode.TRAIN) {
      input = x2;
      batchMean = mean;
      batchInv = inv;
    }
    return normalize(x, x2, mean, inv, clamp);
  }

  /**
   * PyTorch's update with the unbiased variance; a cumulative average while calibrating. In Java on
   * the running statistics' values: the nine ND4J calls it replaced cost more than the arithmetic,
   * for every batch norm of every step. Float buffers are written in place; other types through one
   * assign each.
   */
  private void updateRunningStats(double[] mean, double[] var, long m, Mode mode) {
    double unbias = m > 1 ? (double) m / (m - 1) : 1;
    double f = mode == Mode.CALIBRATE ? 1.0 / ++calibrationBatches : momentum;
    double[] rm = Tensors.contiguous(runningMean).data().asDouble();
    double[] rv = Tensors.contiguous(runningVar).data().asDouble();
    for (int c = 0; c < channels; c++) {
      rm[c] = (1 - f) * rm[c] + f * mean[c];
      rv[c] = (1 - f) * rv[c] + f * (var[c] * unbias);
    }
    store(runningMean, rm);
    store(runningVar, rv);
  }

  /** The same update in ND4J ops, for the portable route: the statistics never leave the device. */
  private void updateRunningStats(INDArray mean, INDArray var, long m, Mode mode) {
    double unbias = m > 1 ? (double) m / (m - 1) : 1;
    double f = mode == Mode.CALIBRATE ? 1.0 / ++calibrationBatches : momentum;
    runningMean
        .muli(1 - f)
        .addi(mean.reshape(runningMean.shape()).castTo(runningMean.dataType()).mul(f));
    runningVar
        .muli(1 - f)
        .addi(var.reshape(runningVar.shape()).castTo(runningVar.dataType()).mul(f * unbias));
  }

  private static void store(INDArray target, double[] v) {
    FloatBuffer b = Tensors.denseFloats(target);
    if (b == null) {
      target.assign(Nd4j.create(v, target.shape(), 'c').castTo(target.dataType()));
      return;
    }
    for (int c = 0; c < v.length; c++) {
      b.put(c, (float) v[c]);
    }
  }

  private static double[] doubles(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }

  /**
   * The backward of {@code act} then of this layer, after a {@link #forwardThen} with the same
   * activation: one fused pass where the kernels apply (the activation's derivative gates the
   * gradient inside it), else one after the other.
   */
  INDArray backwardThen(Activation act, INDArray gradOut) {
    checkNotNull(act, "activation must not be null");
    if (input == null || act.output() == null) {
      return backward(act.backward(gradOut));
    }
    return backwardFloat(gradOut, act.output(), act.kind());
  }

  @Override
  public INDArray backward(INDArray gradOut) {
    checkNotNull(gradOut, "output gradient must not be null");
    if (frozenXhat != null) {
      INDArray g2 = Tensors.rows(gradOut);
      gamma.accumulateGrad(Tensors.columnSums(g2.mul(frozenXhat)));
      beta.accumulateGrad(Tensors.columnSums(g2));
      return g2.mul(frozenScale).reshape('c', gradOut.shape());
    }
    if (input != null) {
      return backwardFloat(gradOut, null, null);
    }
    checkState(xhat != null, "backward called before a training forward pass on %s", gamma.name());
    INDArray g2 = Tensors.rows(gradOut);
    long m = g2.size(0);
    INDArray gd =
        g2.castTo(DataType.DOUBLE); // sums in double, as the fused float kernels take them
    INDArray dbeta = Tensors.columnSums(gd).castTo(g2.dataType());
    INDArray dgamma =
        Tensors.columnSums(gd.mul(xhat.castTo(DataType.DOUBLE))).castTo(g2.dataType());
    gamma.accumulateGrad(dgamma);
    beta.accumulateGrad(dbeta);
    // dx = gamma * invStd / m * (m * dy - dbeta - xhat * dgamma)
    INDArray k = gamma.value().mul(invStd);
    INDArray dx = g2.mul(k).subi(xhat.mul(k.mul(dgamma).divi(m))).subi(k.mul(dbeta).divi(m));
    return dx.reshape('c', gradOut.shape());
  }

  /** dx = k (dy - dβ/m - x̂ dγ/m) with k = γ/σ, as one pass {@code dy*a + x*b + d} per channel. */
  private INDArray backwardFloat(INDArray gradOut, INDArray actOut, Activation.Kind gate) {
    INDArray g2 = Tensors.rows(gradOut);
    INDArray y2 = actOut == null ? null : Tensors.rows(actOut);
    long m = g2.size(0);
    double[][] s = ChannelKernels.gradSums(g2, input, channels, batchMean, y2, gate);
    float[] g = gamma.value().data().asFloat();
    float[] dgamma = new float[channels];
    float[] dbeta = new float[channels];
    float[] a = new float[channels];
    float[] b = new float[channels];
    float[] d = new float[channels];
    for (int c = 0; c < channels; c++) {
      double inv = batchInv[c];
      double dg = s[1][c] * inv;
      double k = g[c] * inv;
      dgamma[c] = (float) dg;
      dbeta[c] = (float) s[0][c];
      a[c] = (float) k;
      b[c] = (float) (-inv * k * dg / m);
      d[c] = (float) (batchMean[c] * inv * k * dg / m - k * s[0][c] / m);
    }
    gamma.accumulateGrad(dgamma);
    beta.accumulateGrad(dbeta);
    return ChannelKernels.affine2(g2, input, channels, a, b, d, y2, gate)
        .reshape('c', gradOut.shape());
  }

  @Override
  public String describe(InferenceGraph graph, String x) {
    return graph.batchNorm(
        gamma.name(), x, gamma.value(), beta.value(), runningMean, runningVar, eps);
  }

  @Override
  public void clearCache() {
    xhat = null;
    invStd = null;
    input = null;
    batchMean = null;
    batchInv = null;
    frozenXhat = null;
    frozenScale = null;
  }
}

package dev.supertickets.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inverted dropout: in training, zero each activation with probability p and scale the rest by
 * 1/(1-p). The drop pattern comes from this layer's own seed and a count of its training passes, so
 * a run is reproducible without a global RNG and a checkpoint can resume it exactly from {@link
 * #seed()} and {@link #calls()}.
 */
public final class Dropout implements Module {
  private final double p;
  private long seed;
  private long calls;
  private INDArray keep;
  private boolean frozen;

  /** Dropout with probability {@code p} in [0, 1), drawing its masks from {@code rng}. */
  public Dropout(double p, SplittableRandom rng) {
    checkArgument(p >= 0 && p < 1, "dropout probability must be in [0, 1), got %s", p);
    this.p = p;
    checkNotNull(rng, "dropout random stream must not be null; pass a seeded SplittableRandom");
    this.seed = rng.nextLong();
  }

  /** The probability that an activation is zeroed in training. */
  public double probability() {
    return p;
  }

  /** The seed the drop patterns derive from. */
  public long seed() {
    return seed;
  }

  /** Training passes so far; pass {@code n} draws its pattern from {@code (seed, n)}. */
  public long calls() {
    return calls;
  }

  /**
   * Continues another layer's sequence of drop patterns (resumed runs): its seed and pass count.
   */
  public void restore(long seed, long calls) {
    checkArgument(calls >= 0, "dropout pass count must be non-negative, got %s", calls);
    this.seed = seed;
    this.calls = calls;
  }

  @Override
  public INDArray forward(INDArray x, Mode mode) {
    checkNotNull(x, "input must not be null");
    checkNotNull(mode, "mode must not be null; use Mode.TRAIN or Mode.EVAL");
    if (mode.cachesForBackward()) {
      frozen = mode == Mode.FROZEN; // evaluation passes in between leave a pending backward alone
    }
    if (mode != Mode.TRAIN || p == 0) {
      return x;
    }
    float[] k = new float[Math.toIntExact(x.length())];
    float scale = (float) (1 / (1 - p));
    SplittableRandom rng = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * ++calls));
    for (int i = 0; i < k.length; i++) {
      k[i] = rng.nextDouble() < p ? 0f : scale;
    }
    keep = Nd4j.create(k, x.shape(), 'c').castTo(x.dataType());
    return x.mul(keep);
  }

  @Override
  public INDArray backward(INDArray gradOut) {
    checkNotNull(gradOut, "output gradient must not be null");
    if (p == 0 || frozen) {
      return gradOut;
    }
    checkState(keep != null, "backward called before a training forward pass");
    return gradOut.mul(keep);
  }

  /** The identity: inference does not drop. */
  @Override
  public String describe(InferenceGraph graph, String x) {
    checkNotNull(graph, "graph must not be null");
    return checkNotNull(x, "value name must not be null");
  }

  @Override
  public void clearCache() {
    keep = null;
    frozen = false;
  }
}

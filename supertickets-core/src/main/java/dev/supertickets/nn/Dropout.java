package dev.supertickets.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inverted dropout: in training, zero each activation with probability p and scale the rest by 1/(1-p). The
 * drop pattern comes from this layer's own seeded stream, so a run is reproducible without a global RNG.
 */
public final class Dropout implements Module {
  private final double p;
  private final SplittableRandom rng;
  private INDArray keep;
  private boolean frozen;

  public Dropout(double p, SplittableRandom rng) {
    checkArgument(p >= 0 && p < 1, "dropout probability must be in [0, 1), got %s", p);
    this.p = p;
    this.rng = checkNotNull(rng, "dropout random stream must not be null; pass a seeded SplittableRandom");
  }

  public double probability() {
    return p;
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

  @Override
  public void clearCache() {
    keep = null;
    frozen = false;
  }
}

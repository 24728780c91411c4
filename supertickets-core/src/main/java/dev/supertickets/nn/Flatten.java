package dev.supertickets.nn;

import static com.google.common.base.Preconditions.checkNotNull;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Flattens NHWC {@code [N, H, W, C]} to {@code [N, H*W*C]}. */
public final class Flatten implements Module {
  private long[] shape;

  @Override
  public INDArray forward(INDArray x, Mode mode) {
    checkNotNull(x, "input must not be null");
    checkNotNull(mode, "mode must not be null; use Mode.TRAIN or Mode.EVAL");
    shape = x.shape();
    return x.reshape('c', x.size(0), x.length() / x.size(0));
  }

  @Override
  public INDArray backward(INDArray gradOut) {
    checkNotNull(gradOut, "output gradient must not be null");
    return gradOut.reshape('c', shape);
  }
}

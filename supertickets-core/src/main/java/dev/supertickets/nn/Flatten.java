package dev.supertickets.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Flattens NHWC {@code [N, H, W, C]} to {@code [N, H*W*C]}. */
public final class Flatten implements Module {
  private long[] shape;

  @Override
  public INDArray forward(INDArray x, Mode mode) {
    shape = x.shape();
    return x.reshape('c', x.size(0), x.length() / x.size(0));
  }

  @Override
  public INDArray backward(INDArray gradOut) {
    return gradOut.reshape('c', shape);
  }
}

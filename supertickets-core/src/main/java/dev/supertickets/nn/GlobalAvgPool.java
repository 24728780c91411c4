package dev.supertickets.nn;

import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

/** Global average pooling: NHWC {@code [N, H, W, C]} to {@code [N, C]}. */
public final class GlobalAvgPool implements Module {
  private long[] inputShape;

  @Override
  public INDArray forward(INDArray x, Mode mode) {
    checkNotNull(x, "input must not be null");
    checkNotNull(mode, "mode must not be null; use Mode.TRAIN or Mode.EVAL");
    if (mode.cachesForBackward()) {
      inputShape = x.shape();
    }
    long n = x.size(0);
    long c = x.size(3);
    return x.reshape('c', n, x.size(1) * x.size(2), c).mean(1);
  }

  @Override
  public INDArray backward(INDArray gradOut) {
    checkNotNull(gradOut, "output gradient must not be null");
    checkState(inputShape != null, "backward called before a training forward pass");
    long n = inputShape[0];
    long hw = inputShape[1] * inputShape[2];
    long c = inputShape[3];
    INDArray dx = Nd4j.zeros(gradOut.dataType(), n, hw, c);
    // a broadcasting op, not INDArray.broadcast, which materialises a copy first
    Nd4j.exec(new BroadcastAddOp(dx, gradOut.div(hw), dx, 0, 2));
    return dx.reshape('c', inputShape);
  }

  @Override
  public String describe(InferenceGraph graph, String x) {
    return graph.globalAveragePool(x);
  }

  @Override
  public void clearCache() {
    inputShape = null;
  }
}

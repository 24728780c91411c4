package dev.supertickets.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Concatenation of NHWC tensors along channels, and the split of the gradient that undoes it. */
public final class Concat {
  private long[] widths;

  /** Concatenates the inputs (same N, H, W) along the channel axis. */
  public INDArray forward(List<INDArray> xs) {
    checkNotNull(xs, "inputs must not be null");
    checkArgument(!xs.isEmpty(), "concat needs at least one input");
    widths = new long[xs.size()];
    for (int i = 0; i < xs.size(); i++) {
      widths[i] = xs.get(i).size(3);
    }
    return Nd4j.concat(3, xs.toArray(new INDArray[0]));
  }

  /** Splits the gradient of the concatenation into one gradient per input. */
  public INDArray[] backward(INDArray gradOut) {
    checkNotNull(gradOut, "output gradient must not be null");
    checkState(widths != null, "backward called before a forward pass");
    INDArray[] out = new INDArray[widths.length];
    long start = 0;
    for (int i = 0; i < widths.length; i++) {
      out[i] =
          gradOut
              .get(
                  NDArrayIndex.all(),
                  NDArrayIndex.all(),
                  NDArrayIndex.all(),
                  NDArrayIndex.interval(start, start + widths[i]))
              .dup('c');
      start += widths[i];
    }
    return out;
  }
}

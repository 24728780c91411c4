package dev.supertickets.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One physical channel cut: parameter {@code param} keeps only the entries {@code keep} along
 * {@code axis}. The same cut must be applied to everything shaped like the parameter (optimizer
 * state, EMA shadows), so layers report their cuts instead of hiding them.
 */
public record ChannelCut(Param param, int axis, int[] keep) {
  /** Copies {@code keep}, the kept indices along {@code axis} in increasing order. */
  public ChannelCut {
    checkNotNull(param, "cut parameter must not be null");
    keep = checkNotNull(keep, "kept indices must not be null").clone();
  }

  /**
   * The slice of {@code a} (shaped like the parameter before the cut) that survives the cut,
   * detached.
   */
  public INDArray apply(INDArray a) {
    return take(a, axis, keep);
  }

  /** Entries {@code keep} of {@code a} along {@code axis}, as a new detached array. */
  public static INDArray take(INDArray a, int axis, int[] keep) {
    checkArgument(axis >= 0 && axis < a.rank(), "axis %s outside rank %s", axis, a.rank());
    INDArrayIndex[] idx = new INDArrayIndex[a.rank()];
    Arrays.fill(idx, NDArrayIndex.all());
    long[] shape = a.shape().clone();
    shape[axis] = keep.length;
    if (keep.length == 0) {
      return org.nd4j.linalg.factory.Nd4j.create(a.dataType(), shape).detach();
    }
    long[] k = new long[keep.length];
    for (int i = 0; i < keep.length; i++) {
      k[i] = keep[i];
    }
    idx[axis] = NDArrayIndex.indices(k);
    return a.get(idx).dup('c').reshape('c', shape).detach();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChannelCut c
        && c.param == param
        && c.axis == axis
        && Arrays.equals(c.keep, keep);
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(param) * 31 + axis * 7 + Arrays.hashCode(keep);
  }
}

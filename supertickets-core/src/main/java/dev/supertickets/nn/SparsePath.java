package dev.supertickets.nn;

import dev.supertickets.internal.SparseMatmul;
import dev.supertickets.tensor.Tensors;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * When 1x1 convolutions and linear layers predict through {@link SparseMatmul} instead of ND4J's
 * dense GEMM: in {@link Mode#EVAL} only (training and the other modes stay dense), for a float
 * weight whose effective values (mask applied, or the values of a compacted ticket) are at least
 * {@link #THRESHOLD} zeros, and only where the kernel's cost estimate for this call's rows beats
 * the dense GEMM's ({@link SparseMatmul#beatsDense}): narrow layers over many rows stay dense at
 * any sparsity. On by default; {@link #setEnabled} or {@code -Dst.sparse=false} turns it off.
 *
 * <p>Each layer keeps one instance, a cache of the kernel built from its weight. The kernel is used
 * only while the weight it was built from is unchanged, checked on every use against a copy of the
 * values (one vectorised comparison, no allocation): a cached kernel can never predict with stale
 * weights, whatever wrote to them (optimizers through {@link Param#value()}, policies through
 * {@link Param#mask()}, {@link Param#setMask}, {@link Param#clearMask}, channel cuts, or an array
 * reference taken long before). A weight found too dense keeps no copy and is not looked at again
 * until {@link Param#version()} moves (a write through an old reference can then only miss a
 * speed-up, never change a result).
 */
public final class SparsePath {
  /**
   * Fraction of zero weights from which a layer may go sparse. Measured on the bench machine (one
   * thread, AVX-512, medians): the kernel breaks even with the dense GEMM at about 0.82 on the
   * bench's 1x1 convolution ([25,088, 96]·[96, 192]: 0.94 at 0.80, 1.29 at 0.90, 1.44 at 0.95, 1.82
   * at 0.99), at 0.80 to 0.85 on the other 96-input layers and on the 1024-to-10 classifier at
   * batch 128, and on 16- and 48-input layers over many rows only at 0.99 if at all (the cost
   * estimate keeps those dense). 0.9 leaves a margin for the noise of those figures (10 to 20% on
   * the shared machine) and for the estimate's errors near break-even; below it only small batch-1
   * products won, by the dense GEMM's fixed cost of some 25 us a call.
   */
  public static final double THRESHOLD = 0.9;

  /** The system property that turns the path off at start-up: {@code -Dst.sparse=false}. */
  public static final String PROPERTY = "st.sparse";

  private static volatile boolean enabled = enabledBy(System.getProperty(PROPERTY));

  /**
   * The kernel and a copy of the weight it was built from (both null: the weight was too dense).
   */
  private record Entry(FloatBuffer weights, int in, int out, SparseMatmul kernel, long version) {}

  private volatile Entry entry;
  private volatile boolean lastSparse;

  SparsePath() {}

  /**
   * Whether layers may take the sparse path (default on; {@code -Dst.sparse=false} starts it off).
   */
  public static boolean isEnabled() {
    return enabled;
  }

  /**
   * Turns the sparse path on or off for every layer from the next forward pass; outputs agree
   * within 1e-5.
   */
  public static void setEnabled(boolean on) {
    enabled = on;
  }

  /**
   * The kernel for this forward pass, or null to run dense.
   *
   * @param weight the layer's weight parameter (its {@link Param#version()} is read)
   * @param effective the weight the dense path would use, {@code [in, out]} or a 1x1 kernel of that
   *     size
   * @param in input features
   * @param out output features
   * @param rows rows of the product ({@code N·H·W} of the output, or the batch)
   * @param x the layer's input
   * @param mode the forward mode
   */
  SparseMatmul kernel(
      Param weight, INDArray effective, int in, int out, long rows, INDArray x, Mode mode) {
    SparseMatmul k = lookUp(weight, effective, in, out, x, mode);
    if (k != null && (rows > Integer.MAX_VALUE || !k.beatsDense((int) rows))) {
      k = null;
    }
    lastSparse = k != null;
    return k;
  }

  /** Whether the last forward pass ran through the sparse kernel. */
  public boolean lastSparse() {
    return lastSparse;
  }

  /**
   * Whether the system property's value leaves the path on: anything but {@code false}, in any
   * case.
   */
  static boolean enabledBy(String property) {
    return !"false".equalsIgnoreCase(property);
  }

  private SparseMatmul lookUp(
      Param weight, INDArray effective, int in, int out, INDArray x, Mode mode) {
    // the sparse kernel is Java on host arrays: not on the portable route
    if (!enabled
        || !dev.supertickets.tensor.Kernels.java()
        || mode != Mode.EVAL
        || effective.dataType() != DataType.FLOAT
        || x.dataType() != DataType.FLOAT) {
      return null;
    }
    long version = weight.version();
    Entry e = entry;
    boolean sameShape = e != null && e.in == in && e.out == out;
    if (sameShape && e.kernel == null && e.version == version) {
      return null;
    }
    FloatBuffer now = Tensors.contiguous(effective).data().asNioFloat();
    now.limit(in * out);
    if (sameShape && e.kernel != null && now.equals(e.weights)) {
      if (e.version != version) {
        entry = new Entry(e.weights, in, out, e.kernel, version);
      }
      return e.kernel;
    }
    long zeros = 0;
    for (int i = 0, n = in * out; i < n; i++) {
      if (now.get(i) == 0) {
        zeros++;
      }
    }
    if (zeros < THRESHOLD * in * out) {
      // too dense: no copy kept, the zeros are counted again only when the version moves
      entry = new Entry(null, in, out, null, version);
      return null;
    }
    float[] w = new float[in * out];
    now.get(0, w);
    SparseMatmul kernel = SparseMatmul.of(w, in, out);
    entry = new Entry(FloatBuffer.wrap(w), in, out, kernel, version);
    return kernel;
  }
}

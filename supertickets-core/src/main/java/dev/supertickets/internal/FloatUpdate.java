package dev.supertickets.internal;

import dev.supertickets.tensor.Tensors;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Optimizer, EMA and L2 updates of float parameters in one pass over Java arrays, a chunk at a
 * time, instead of up to a dozen ND4J ops per parameter: a supernet has hundreds of parameters,
 * mostly small, and each op's call overhead (a few microseconds) outweighed its arithmetic (at
 * batch 1 the SGD update was 15% of a training step). Every inner loop indexes all of its arrays
 * alike, the form HotSpot's C2 vectorises. The arithmetic is the ND4J route's, operation for
 * operation in float: SGD's to the bit, AdamW's to a few ulps (libnd4j rounds some scalar steps
 * otherwise).
 */
public final class FloatUpdate {
  private static final int CHUNK = 4096;

  /** Most operands of one pass (AdamW: weight, gradient, two moments). */
  private static final int MAX_OPERANDS = 4;

  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[MAX_OPERANDS][CHUNK]);

  private FloatUpdate() {}

  /**
   * Whether every array is float, of one length: then the fused pass runs, whatever the layout (an
   * array that does not own its whole buffer in row-major order goes through {@link
   * Tensors#contiguous}'s copy), so that the numbers never depend on how an array came about (a
   * resumed draw's against an uninterrupted one's).
   */
  public static boolean applies(INDArray... arrays) {
    if (!dev.supertickets.tensor.Kernels.java()) {
      return false;
    }
    long n = arrays[0].length();
    for (INDArray a : arrays) {
      if (a.dataType() != DataType.FLOAT || a.length() != n) {
        return false;
      }
    }
    return true;
  }

  /**
   * One pass over a chunk: {@code a[k]} holds operand k's entries, the first {@code len} of them
   * valid.
   */
  private interface Pass {
    void run(float[][] a, int len);
  }

  /**
   * Runs {@code pass} over {@code operands} (one length) chunk by chunk and writes back the
   * operands marked {@code written}; an operand that is not dense goes through a dense copy.
   */
  private static void chunks(INDArray[] operands, boolean[] written, Pass pass) {
    int k = operands.length;
    INDArray[] dense = new INDArray[k];
    FloatBuffer[] buffers = new FloatBuffer[k];
    for (int i = 0; i < k; i++) {
      dense[i] = Tensors.contiguous(operands[i]);
      buffers[i] = dense[i].data().asNioFloat();
    }
    int n = (int) operands[0].length();
    int chunk = Math.min(CHUNK, n);
    float[][] a = SCRATCH.get(); // every parameter of every step: reused, not allocated
    for (int off = 0; off < n; off += chunk) {
      int len = Math.min(chunk, n - off);
      for (int i = 0; i < k; i++) {
        buffers[i].get(off, a[i], 0, len);
      }
      pass.run(a, len);
      for (int i = 0; i < k; i++) {
        if (written[i]) {
          buffers[i].put(off, a[i], 0, len);
        }
      }
    }
    for (int i = 0; i < k; i++) {
      if (written[i] && dense[i] != operands[i]) {
        operands[i].assign(dense[i]);
      }
    }
  }

  /**
   * AdamW: {@code w *= keep; m = b1·m + (1-b1)·g; v = b2·v + (1-b2)·g²; w -= (m / (sqrt(v / c2) +
   * eps)) · scale}.
   */
  public static void adamW(
      INDArray w,
      INDArray g,
      INDArray m,
      INDArray v,
      float keep,
      float b1,
      float b2,
      float c2,
      float eps,
      float scale) {
    float ob1 = 1 - b1;
    float ob2 = 1 - b2;
    chunks(
        new INDArray[] {w, g, m, v},
        new boolean[] {true, false, true, true},
        (a, len) -> {
          float[] aw = a[0];
          float[] ag = a[1];
          float[] am = a[2];
          float[] av = a[3];
          for (int i = 0; i < len; i++) {
            float gi = ag[i];
            float mi = am[i] * b1 + gi * ob1;
            float vi = av[i] * b2 + gi * gi * ob2;
            float denom = (float) Math.sqrt(vi / c2) + eps;
            am[i] = mi;
            av[i] = vi;
            aw[i] = aw[i] * keep - mi / denom * scale;
          }
        });
  }

  /**
   * SGD with momentum {@code mu} (buffer {@code b}, null for none): {@code b = mu·b + g; w -=
   * lr·(nesterov ? g + mu·b : b)}, or {@code w -= lr·g} without a buffer.
   */
  public static void sgd(INDArray w, INDArray g, INDArray b, float mu, boolean nesterov, float lr) {
    if (b == null) {
      pair(w, g, 1, -lr);
      return;
    }
    chunks(
        new INDArray[] {w, g, b},
        new boolean[] {true, false, true},
        (a, len) -> {
          float[] aw = a[0];
          float[] ag = a[1];
          float[] ab = a[2];
          if (nesterov) {
            for (int i = 0; i < len; i++) {
              float bi = ab[i] * mu + ag[i];
              ab[i] = bi;
              aw[i] = aw[i] - (ag[i] + bi * mu) * lr;
            }
          } else {
            for (int i = 0; i < len; i++) {
              float bi = ab[i] * mu + ag[i];
              ab[i] = bi;
              aw[i] = aw[i] - bi * lr;
            }
          }
        });
  }

  /** {@code acc = acc·d + x·(1-d)}: an exponential moving average's update. */
  public static void average(INDArray acc, INDArray x, double d) {
    pair(acc, x, (float) d, (float) (1 - d));
  }

  /** {@code acc = acc + x·a}: e.g. an L2 term's gradient added to a parameter's. */
  public static void addScaled(INDArray acc, INDArray x, float a) {
    pair(acc, x, 1, a);
  }

  /**
   * {@code acc = acc·ka + x·kx} ({@code ka} 1 skips its product, as the ND4J route has none then).
   */
  private static void pair(INDArray acc, INDArray x, float ka, float kx) {
    chunks(
        new INDArray[] {acc, x},
        new boolean[] {true, false},
        (a, len) -> {
          float[] aa = a[0];
          float[] ax = a[1];
          if (ka == 1) {
            for (int i = 0; i < len; i++) {
              aa[i] = aa[i] + ax[i] * kx;
            }
          } else {
            for (int i = 0; i < len; i++) {
              aa[i] = aa[i] * ka + ax[i] * kx;
            }
          }
        });
  }
}

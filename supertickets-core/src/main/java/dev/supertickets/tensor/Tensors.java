package dev.supertickets.tensor;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Small tensor helpers shared by the layers: seeded initialisation and fast reductions over rows.
 */
public final class Tensors {
  private Tensors() {}

  /**
   * A detached array of N(0, std²) values drawn from {@code rng} (deterministic for a given
   * stream).
   */
  public static INDArray gaussian(SplittableRandom rng, double std, DataType type, long... shape) {
    double[] v = new double[Math.toIntExact(length(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = rng.nextGaussian() * std;
    }
    return Nd4j.create(v, shape, DataType.DOUBLE).castTo(type).detach();
  }

  /** A detached array of U(lo, hi) values drawn from {@code rng}. */
  public static INDArray uniform(
      SplittableRandom rng, double lo, double hi, DataType type, long... shape) {
    double[] v = new double[Math.toIntExact(length(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = lo + (hi - lo) * rng.nextDouble();
    }
    return Nd4j.create(v, shape, DataType.DOUBLE).castTo(type).detach();
  }

  /** The number of elements of {@code shape}; throws ArithmeticException on overflow. */
  public static long length(long... shape) {
    long n = 1;
    for (long s : shape) {
      n = Math.multiplyExact(n, s);
    }
    return n;
  }

  /**
   * The array itself when its buffer holds exactly its C-ordered content (reshaped views included),
   * else a C-ordered copy: what code that reads the raw buffer needs.
   */
  public static INDArray contiguous(INDArray a) {
    boolean exact =
        a.offset() == 0
            && a.data().length() == a.length()
            && rowMajorStrides(a.shape(), a.stride());
    return exact ? a : a.dup('c');
  }

  /**
   * The buffer of {@code a} as floats, to read and write in place, when {@code a} is single
   * precision and owns its whole buffer in row-major order (see {@link #contiguous}); else null,
   * and the caller takes an ND4J route.
   */
  public static FloatBuffer denseFloats(INDArray a) {
    return a.dataType() == DataType.FLOAT && contiguous(a) == a ? a.data().asNioFloat() : null;
  }

  // Shape.hasDefaultStridesForShape (and the ordering flag) refuse some row-major arrays, e.g. [1,
  // c] with stride [c, 1] as a restored checkpoint holds them: only dimensions longer than 1 have a
  // stride that matters
  private static boolean rowMajorStrides(long[] shape, long[] stride) {
    long expected = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      if (shape[i] > 1 && stride[i] != expected) {
        return false;
      }
      expected *= shape[i];
    }
    return true;
  }

  /**
   * Whether every element is finite (no NaN, no infinity). Float and double arrays are scanned in
   * place through their buffer: one native reduction per array costs about 50 us of call overhead,
   * which over every parameter of a supernet, twice a step, was 5 to 10% of a training step.
   */
  public static boolean allFinite(INDArray a) {
    INDArray c = contiguous(a);
    int n = Math.toIntExact(c.length());
    if (c.dataType() == DataType.FLOAT) {
      java.nio.FloatBuffer b = c.data().asNioFloat();
      for (int i = 0; i < n; i++) {
        if (!Float.isFinite(b.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (c.dataType() == DataType.DOUBLE) {
      java.nio.DoubleBuffer b = c.data().asNioDouble();
      for (int i = 0; i < n; i++) {
        if (!Double.isFinite(b.get(i))) {
          return false;
        }
      }
      return true;
    }
    return Double.isFinite(c.castTo(DataType.DOUBLE).sumNumber().doubleValue());
  }

  /**
   * Column sums of a 2-D array {@code [m, c]} as {@code [1, c]}, via a GEMV with a ones vector:
   * ND4J's reductions along a non-last axis are several times slower on CPU.
   */
  public static INDArray columnSums(INDArray x2d) {
    INDArray ones = Nd4j.ones(x2d.dataType(), 1, x2d.size(0));
    return matmul(ones, x2d, false, false);
  }

  /**
   * {@code op(a) · op(b)} into a new C-ordered array through BLAS GEMM. {@code INDArray.mmul}
   * allocates an F-ordered result and was 4 to 10 times slower here for the tall-skinny products of
   * 1x1 convolutions.
   */
  public static INDArray matmul(INDArray a, INDArray b, boolean transA, boolean transB) {
    long m = transA ? a.size(1) : a.size(0);
    long n = transB ? b.size(0) : b.size(1);
    INDArray out = Nd4j.createUninitialized(a.dataType(), new long[] {m, n}, 'c');
    return Nd4j.gemm(a, b, out, transA, transB, 1.0, 0.0);
  }

  /** Views an NHWC array as {@code [N*H*W, C]} (copies only if it is not contiguous). */
  public static INDArray rows(INDArray nhwc) {
    long c = nhwc.size(nhwc.rank() - 1);
    return nhwc.reshape('c', nhwc.length() / c, c);
  }
}

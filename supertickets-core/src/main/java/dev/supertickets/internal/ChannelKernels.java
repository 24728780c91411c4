package dev.supertickets.internal;

import dev.supertickets.nn.Activation;
import dev.supertickets.tensor.Tensors;
import java.nio.FloatBuffer;
import java.util.concurrent.ForkJoinPool;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-channel passes over a C-ordered {@code [rows, c]} float tensor, for batch norm. One fused
 * pass replaces three to five ND4J ops, each of which reads and writes the whole tensor. The work
 * is cut into chunks of whole rows copied into a scratch array, so that every inner loop indexes
 * all of its arrays alike (the form HotSpot's C2 vectorises; see {@link DepthwiseBackward});
 * per-channel factors are repeated along a chunk once per call. Partial sums are kept per lane of a
 * chunk and folded in double precision at the end.
 */
public final class ChannelKernels {
  private static final int CHUNK = 4096;

  private ChannelKernels() {}

  /**
   * Per-channel sums of {@code x} ([0]), or, if {@code center} is given, of {@code (x - center)^2}
   * ([1]).
   */
  public static double[][] sums(INDArray x, int c, float[] center) {
    return reduce(x, null, c, center, false, null, null);
  }

  /**
   * Per-channel sums of {@code g} and of {@code g * (x - center)}, with {@code g} first gated by
   * the activation {@code gate} that produced {@code y} (zero where its derivative is zero), if
   * {@code gate} is not null.
   */
  public static double[][] gradSums(
      INDArray g, INDArray x, int c, float[] center, INDArray y, Activation.Kind gate) {
    return reduce(g, x, c, center, true, y, gate);
  }

  /**
   * {@code x * a + b} per channel, then {@code clamp} if not null, into a new array shaped like x.
   */
  public static INDArray affine(INDArray x, int c, float[] a, float[] b, Activation.Kind clamp) {
    return map(x, null, c, a, null, b, clamp, null, null);
  }

  /**
   * {@code g * a + x * b + d} per channel into a new array shaped like g, {@code g} gated as in
   * gradSums.
   */
  public static INDArray affine2(
      INDArray g,
      INDArray x,
      int c,
      float[] a,
      float[] b,
      float[] d,
      INDArray y,
      Activation.Kind gate) {
    return map(g, x, c, a, b, d, null, y, gate);
  }

  public static boolean applies(INDArray x) {
    return x.dataType() == DataType.FLOAT && dev.supertickets.tensor.Kernels.java();
  }

  private static FloatBuffer buffer(INDArray a) {
    return Tensors.contiguous(a).data().asNioFloat();
  }

  private static int parts(long length) {
    return length < 8L * CHUNK ? 1 : Math.max(1, ForkJoinPool.getCommonPoolParallelism() + 1);
  }

  /** Chunk length: whole rows, about CHUNK floats. */
  private static int chunk(int c) {
    return Math.max(1, CHUNK / c) * c;
  }

  private static float[] repeat(float[] v, int len) {
    float[] r = new float[len];
    int filled = Math.min(v.length, len);
    System.arraycopy(v, 0, r, 0, filled);
    while (filled
        < len) { // doubling copies: a modulo per element costs more than the pass it serves
      int n = Math.min(filled, len - filled);
      System.arraycopy(r, 0, r, filled, n);
      filled += n;
    }
    return r;
  }

  private static double[][] reduce(
      INDArray first,
      INDArray second,
      int c,
      float[] center,
      boolean product,
      INDArray y,
      Activation.Kind gate) {
    FloatBuffer a = buffer(first);
    FloatBuffer b = second == null ? null : buffer(second);
    FloatBuffer gy = gate == null ? null : buffer(y);
    float hi = upper(gate);
    long length = first.length();
    int chunk = (int) Math.min(chunk(c), length);
    float[] centerRep = center == null ? null : repeat(center, chunk);
    long chunks = (length + chunk - 1) / chunk;
    int parts = parts(length);
    float[][][] lanes = new float[parts][][];
    PathLanes.forEachPart(
        parts,
        part -> {
          float[] s1 = new float[chunk];
          float[] s2 = new float[chunk];
          float[] ca = new float[chunk];
          float[] cb = new float[chunk];
          float[] cy = gy == null ? null : new float[chunk];
          for (long ch = part; ch < chunks; ch += parts) {
            int start = (int) (ch * chunk);
            int n = (int) Math.min(chunk, length - start);
            a.get(start, ca, 0, n);
            if (b != null) {
              b.get(start, cb, 0, n);
            }
            if (cy != null) {
              gy.get(start, cy, 0, n);
              gateLane(ca, cy, hi, n);
            }
            if (product) {
              gradLane(s1, s2, ca, cb, centerRep, n);
            } else if (centerRep != null) {
              squareLane(s2, ca, centerRep, n);
            } else {
              sumLane(s1, ca, n);
            }
          }
          lanes[part] = new float[][] {s1, s2};
        });
    double[][] out = new double[2][c];
    for (float[][] l : lanes) {
      for (int u = 0, k = 0; u < chunk; u++, k = k + 1 == c ? 0 : k + 1) {
        out[0][k] += l[0][u];
        out[1][k] += l[1][u];
      }
    }
    return out;
  }

  private static void sumLane(float[] s1, float[] x, int n) {
    for (int u = 0; u < n; u++) {
      s1[u] += x[u];
    }
  }

  private static void squareLane(float[] s2, float[] x, float[] center, int n) {
    for (int u = 0; u < n; u++) {
      float d = x[u] - center[u];
      s2[u] += d * d;
    }
  }

  private static void gradLane(
      float[] s1, float[] s2, float[] g, float[] x, float[] center, int n) {
    for (int u = 0; u < n; u++) {
      s1[u] += g[u];
      s2[u] += g[u] * (x[u] - center[u]);
    }
  }

  private static INDArray map(
      INDArray first,
      INDArray second,
      int c,
      float[] fa,
      float[] fb,
      float[] fd,
      Activation.Kind clamp,
      INDArray y,
      Activation.Kind gate) {
    FloatBuffer a = buffer(first);
    FloatBuffer b = second == null ? null : buffer(second);
    FloatBuffer gy = gate == null ? null : buffer(y);
    float hi = upper(gate);
    long length = first.length();
    INDArray out = Nd4j.createUninitialized(DataType.FLOAT, first.shape(), 'c');
    FloatBuffer o = out.data().asNioFloat();
    int chunk = (int) Math.min(chunk(c), length);
    float[] ra = repeat(fa, chunk);
    float[] rb = fb == null ? null : repeat(fb, chunk);
    float[] rd = repeat(fd, chunk);
    long chunks = (length + chunk - 1) / chunk;
    int parts = parts(length);
    PathLanes.forEachPart(
        parts,
        part -> {
          float[] ca = new float[chunk];
          float[] cb = new float[chunk];
          float[] co = new float[chunk];
          float[] cy = gy == null ? null : new float[chunk];
          for (long ch = part; ch < chunks; ch += parts) {
            int start = (int) (ch * chunk);
            int n = (int) Math.min(chunk, length - start);
            a.get(start, ca, 0, n);
            if (cy != null) {
              gy.get(start, cy, 0, n);
              gateLane(ca, cy, hi, n);
            }
            if (b == null && clamp == null) {
              affineLane(co, ca, ra, rd, n);
            } else if (b == null) {
              affineClampLane(co, ca, ra, rd, upper(clamp), n);
            } else {
              b.get(start, cb, 0, n);
              affine2Lane(co, ca, cb, ra, rb, rd, n);
            }
            o.put(start, co, 0, n);
          }
        });
    return out;
  }

  private static void affineLane(float[] out, float[] x, float[] a, float[] d, int n) {
    for (int u = 0; u < n; u++) {
      out[u] = x[u] * a[u] + d[u];
    }
  }

  /** The activation's upper clip: 6 for ReLU6, none (infinity) for ReLU. */
  private static float upper(Activation.Kind kind) {
    return kind == Activation.Kind.RELU6 ? 6f : Float.POSITIVE_INFINITY;
  }

  /**
   * Zeroes {@code g} where the activation's derivative is zero: output not in (0, hi). Branch-free,
   * so that C2 vectorises it (a conditional here ran scalar with a mispredicted branch per element:
   * a default28 training step took 792 instead of 548 ms): {@code min(y·MAX, 1)} is 1 for any
   * output of at least 3e-39 and 0 at 0, and {@code min((hi - y)·MAX, 1)} the same below and at the
   * clip.
   */
  private static void gateLane(float[] g, float[] y, float hi, int n) {
    for (int u = 0; u < n; u++) {
      g[u] =
          g[u] * Math.min(y[u] * Float.MAX_VALUE, 1f) * Math.min((hi - y[u]) * Float.MAX_VALUE, 1f);
    }
  }

  private static void affineClampLane(
      float[] out, float[] x, float[] a, float[] d, float hi, int n) {
    for (int u = 0; u < n; u++) {
      out[u] = Math.min(Math.max(x[u] * a[u] + d[u], 0f), hi);
    }
  }

  private static void affine2Lane(
      float[] out, float[] g, float[] x, float[] a, float[] b, float[] d, int n) {
    for (int u = 0; u < n; u++) {
      out[u] = g[u] * a[u] + x[u] * b[u] + d[u];
    }
  }
}

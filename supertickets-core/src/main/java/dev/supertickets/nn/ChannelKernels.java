package dev.supertickets.nn;

import dev.supertickets.tensor.Tensors;
import java.nio.FloatBuffer;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-channel passes over a C-ordered {@code [rows, c]} float tensor, for batch norm. One fused pass replaces
 * three to five ND4J ops, each of which reads and writes the whole tensor. The work is cut into chunks of whole
 * rows copied into a scratch array, so that every inner loop indexes all of its arrays alike (the form HotSpot's C2
 * vectorises; see {@link DepthwiseBackward}); per-channel factors are repeated along a chunk once per call. Partial
 * sums are kept per lane of a chunk and folded in double precision at the end.
 */
final class ChannelKernels {
  private static final int CHUNK = 4096;

  private ChannelKernels() {}

  /** Per-channel sums of {@code x} ([0]), or, if {@code center} is given, of {@code (x - center)^2} ([1]). */
  static double[][] sums(INDArray x, int c, float[] center) {
    return reduce(x, null, c, center, false);
  }

  /** Per-channel sums of {@code g} and of {@code g * (x - center)}. */
  static double[][] gradSums(INDArray g, INDArray x, int c, float[] center) {
    return reduce(g, x, c, center, true);
  }

  /** {@code x * a + b} per channel, into a new array shaped like x. */
  static INDArray affine(INDArray x, int c, float[] a, float[] b) {
    return map(x, null, c, a, null, b);
  }

  /** {@code g * a + x * b + d} per channel, into a new array shaped like g. */
  static INDArray affine2(INDArray g, INDArray x, int c, float[] a, float[] b, float[] d) {
    return map(g, x, c, a, b, d);
  }

  static boolean applies(INDArray x) {
    return x.dataType() == DataType.FLOAT;
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
    for (int u = 0; u < len; u++) {
      r[u] = v[u % v.length];
    }
    return r;
  }

  private static double[][] reduce(INDArray first, INDArray second, int c, float[] center, boolean product) {
    FloatBuffer a = buffer(first);
    FloatBuffer b = second == null ? null : buffer(second);
    long length = first.length();
    int chunk = chunk(c);
    float[] centerRep = center == null ? null : repeat(center, chunk);
    long chunks = (length + chunk - 1) / chunk;
    int parts = parts(length);
    float[][][] lanes = new float[parts][][];
    IntStream.range(0, parts).parallel().forEach(part -> {
      float[] s1 = new float[chunk];
      float[] s2 = new float[chunk];
      float[] ca = new float[chunk];
      float[] cb = new float[chunk];
      for (long ch = part; ch < chunks; ch += parts) {
        int start = (int) (ch * chunk);
        int n = (int) Math.min(chunk, length - start);
        a.get(start, ca, 0, n);
        if (b != null) {
          b.get(start, cb, 0, n);
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
      for (int u = 0; u < chunk; u++) {
        out[0][u % c] += l[0][u];
        out[1][u % c] += l[1][u];
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

  private static void gradLane(float[] s1, float[] s2, float[] g, float[] x, float[] center, int n) {
    for (int u = 0; u < n; u++) {
      s1[u] += g[u];
      s2[u] += g[u] * (x[u] - center[u]);
    }
  }

  private static INDArray map(INDArray first, INDArray second, int c, float[] fa, float[] fb, float[] fd) {
    FloatBuffer a = buffer(first);
    FloatBuffer b = second == null ? null : buffer(second);
    long length = first.length();
    INDArray out = Nd4j.createUninitialized(DataType.FLOAT, first.shape(), 'c');
    FloatBuffer o = out.data().asNioFloat();
    int chunk = chunk(c);
    float[] ra = repeat(fa, chunk);
    float[] rb = fb == null ? null : repeat(fb, chunk);
    float[] rd = repeat(fd, chunk);
    long chunks = (length + chunk - 1) / chunk;
    int parts = parts(length);
    IntStream.range(0, parts).parallel().forEach(part -> {
      float[] ca = new float[chunk];
      float[] cb = new float[chunk];
      float[] co = new float[chunk];
      for (long ch = part; ch < chunks; ch += parts) {
        int start = (int) (ch * chunk);
        int n = (int) Math.min(chunk, length - start);
        a.get(start, ca, 0, n);
        if (b == null) {
          affineLane(co, ca, ra, rd, n);
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

  private static void affine2Lane(float[] out, float[] g, float[] x, float[] a, float[] b, float[] d, int n) {
    for (int u = 0; u < n; u++) {
      out[u] = g[u] * a[u] + x[u] * b[u] + d[u];
    }
  }
}

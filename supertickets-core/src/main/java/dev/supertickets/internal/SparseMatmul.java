package dev.supertickets.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.tensor.Tensors;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code x · W} for a weight matrix {@code W} with unstructured sparsity, the product of a 1x1
 * convolution on the {@code [N*H*W, cIn]} view or of a linear layer, with {@code W} stored as our
 * layers store it, {@code [in, out]}. Only the non-zero weights are kept, by output column (for
 * each output, its inputs and values), so the multiply-adds are proportional to the non-zeros;
 * ND4J's dense GEMM does every one of them whatever the weights. {@link Conv2d} and {@link Linear}
 * use it in {@link Mode#EVAL} from {@link SparsePath#THRESHOLD}.
 *
 * <p>Two routes, chosen per call by an estimate of their cost ({@link #nanos}), which also tells
 * the layers whether the product beats the dense GEMM at all ({@link #beatsDense}):
 *
 * <ul>
 *   <li><b>Tiled</b>, for many rows. A tile of up to {@value #MAX_TILE} rows of {@code x} is copied
 *       to the heap and transposed into one array per input; every output then accumulates {@code v
 *       · x[k]} over its non-zeros in passes of at most {@value #PASS} into an array of its own,
 *       and groups of {@value #GROUP} outputs are written back into a row-major tile that goes to
 *       the result in one copy. Each inner loop indexes all of its arrays alike, the form HotSpot's
 *       C2 (JDK 17) vectorises (see {@link DepthwiseBackward}); a sixth non-zero (seven arrays in
 *       one loop) made C2 give up (5.2 against 13.5 GMAC/s measured), hence the passes of five. The
 *       transposes cost about {@code in + out} scalar moves per row whatever the sparsity, which is
 *       why narrow layers (16 or 48 inputs) over many rows never beat the dense GEMM, which is
 *       bound by memory there.
 *   <li><b>By rows</b>, for few rows or wide, sparse inputs (linear layers): each output is a dot
 *       product of the row with its non-zeros, four rows at a time so that each index and value is
 *       loaded once for four multiply-adds; scalar, but with nothing to transpose.
 * </ul>
 *
 * <p>Big products are split by tiles over the current fork-join pool (the common pool unless called
 * from inside another); small ones run on the caller's thread. Immutable and thread-safe.
 */
public final class SparseMatmul {
  /**
   * Most rows of {@code x} per tile; 512 beat 128 and 256 by 15 to 25% on 96x192 (fewer loop
   * prologues).
   */
  public static final int MAX_TILE = 512;

  /**
   * Floats of transposed input per tile we aim to keep in the 1 MiB L2 cache with room to spare.
   */
  private static final int TILE_FLOATS = 64 * 1024;

  /**
   * Non-zeros per vectorised pass: the most arrays C2 still vectorises in one loop with a
   * multiply-add each.
   */
  public static final int PASS = 5;

  /**
   * Outputs transposed back together, in unrolled blocks of eight (sixteen array references spilled
   * registers).
   */
  public static final int GROUP = 16;

  /**
   * Fewest rows for the tiled route: with fewer, every vectorised pass is a scalar loop of a few
   * iterations (the 1024-to-10 layer at one row took 17 to 50 us tiled, 8 to 10 us by rows).
   */
  public static final int MIN_TILED_ROWS = 16;

  /** Multiply-adds below which a product stays on the calling thread (about 0.1 ms of work). */
  private static final long PARALLEL_WORK = 1L << 21;

  private final int in;
  private final int out;

  /**
   * For output column n, its non-zeros are {@code rows[start[n]..start[n+1])} with values {@code
   * values[..]}.
   */
  private final int[] start;

  private final int[] rows;
  private final float[] values;

  /** Inputs with at least one non-zero weight, ascending. */
  private final int[] used;

  /**
   * Whether tiles transpose every input, eight to a sweep over the rows, rather than only the used
   * ones one sweep each: true when at least half are used (at 95% sparsity a 48x96 weight usually
   * leaves one input unused, and the one-by-one sweeps cost four times as much per element).
   */
  private final boolean blocked;

  /**
   * Vectorised passes of a tile: per output, its non-zeros in passes of at most {@value #PASS} (at
   * least one).
   */
  private final long passes;

  private SparseMatmul(int in, int out, float[] w) {
    this.in = in;
    this.out = out;
    this.start = new int[out + 1];
    boolean[] isUsed = new boolean[in];
    int nnz = 0;
    for (int n = 0; n < out; n++) {
      for (int k = 0; k < in; k++) {
        if (w[k * out + n] != 0) {
          nnz++;
          isUsed[k] = true;
        }
      }
      start[n + 1] = nnz;
    }
    this.rows = new int[nnz];
    this.values = new float[nnz];
    int p = 0;
    for (int n = 0; n < out; n++) {
      for (int k = 0; k < in; k++) {
        float v = w[k * out + n];
        if (v != 0) {
          rows[p] = k;
          values[p++] = v;
        }
      }
    }
    int u = 0;
    int[] usedAll = new int[in];
    for (int k = 0; k < in; k++) {
      if (isUsed[k]) {
        usedAll[u++] = k;
      }
    }
    this.used = Arrays.copyOf(usedAll, u);
    this.blocked = 2 * u >= in;
    long p2 = 0;
    for (int n = 0; n < out; n++) {
      p2 += Math.max(1, (start[n + 1] - start[n] + PASS - 1) / PASS);
    }
    this.passes = p2;
  }

  /**
   * The sparse form of a float weight matrix {@code [in, out]}; exact zeros are dropped (fold a
   * mask in first, e.g. with {@link Param#effective()}).
   *
   * @param weight the matrix, rank 2 (a 1x1 kernel {@code [1, 1, in, out]} reshaped to {@code [in,
   *     out]})
   * @return the compressed matrix
   */
  public static SparseMatmul of(INDArray weight) {
    checkNotNull(weight, "weight must not be null");
    checkArgument(
        weight.rank() == 2,
        "weight must be a [in, out] matrix, got shape %s; reshape a 1x1 kernel "
            + "[1, 1, in, out] to [in, out]",
        Arrays.toString(weight.shape()));
    int in = Math.toIntExact(weight.size(0));
    int out = Math.toIntExact(weight.size(1));
    checkArgument(
        in > 0 && out > 0,
        "weight must have at least one row and column, got shape %s",
        Arrays.toString(weight.shape()));
    return of(Tensors.contiguous(weight.castTo(DataType.FLOAT)).data().asFloat(), in, out);
  }

  /** The sparse form of a row-major {@code [in, out]} matrix held in {@code w} (read, not kept). */
  public static SparseMatmul of(float[] w, int in, int out) {
    return new SparseMatmul(in, out, w);
  }

  /** Input features, the rows of {@code W}. */
  public int inputs() {
    return in;
  }

  /** Output features, the columns of {@code W}. */
  public int outputs() {
    return out;
  }

  /** Non-zero weights kept. */
  public int nonZeros() {
    return values.length;
  }

  /** Fraction of the weights that are zero. */
  public double sparsity() {
    return 1 - (double) values.length / ((long) in * out);
  }

  /** Whether {@code m} rows take the tiled route: the cheaper estimate (see {@link #nanos}). */
  boolean tiled(int m) {
    return tiledNanos(m) < rowNanos(m);
  }

  /**
   * Estimated nanoseconds of {@code x · W} for {@code m} rows by the cheaper route, on one thread.
   * Fitted on the bench's AVX-512 machine (1x1 convolutions 16 to 96 inputs, 48 to 384 outputs, 49
   * to 100,352 rows, the 1024-to-10 linear layer at 1 and 128 rows, sparsity 0.8 to 0.99). Tiled:
   * per row 0.6 per input transposed eight to a sweep over the rows, or 2.5 per used input
   * transposed one sweep each, 0.1 per input copied, 0.05 per non-zero and about 40 per vectorised
   * pass shared by the tile's rows; per call 3 us and 0.1 per float of scratch. By rows (four at a
   * time): per row 0.4 per non-zero and 0.85 per output (a dot product's set-up), 8 us a call.
   */
  double nanos(int m) {
    return Math.min(tiledNanos(m), rowNanos(m));
  }

  /**
   * Estimated nanoseconds of ND4J's dense GEMM for {@code [m, in] · [in, out]} on one thread: about
   * 50 GMAC/s on these shapes (oneDNN, AVX-512), 0.1 per input element read and 25 us a call,
   * measured with {@link #nanos}.
   */
  public static double denseNanos(long m, int in, int out) {
    return 25_000 + 0.02 * m * in * out + 0.1 * m * in;
  }

  /** Whether {@code m} rows are estimated faster here than by the dense GEMM. */
  public boolean beatsDense(int m) {
    return nanos(m) < denseNanos(m, in, out);
  }

  private double tiledNanos(int m) {
    if (m < MIN_TILED_ROWS) {
      return Double.POSITIVE_INFINITY;
    }
    int t = tileRows(m);
    double perRow =
        (blocked ? 0.6 * in : 2.5 * used.length)
            + 0.6 * out
            + 0.1 * in
            + 0.05 * values.length
            + 40.0 * passes / t;
    return 3_000 + 0.1 * t * (in + (blocked ? in : used.length) + out + GROUP) + perRow * m;
  }

  private double rowNanos(int m) {
    return 8_000 + (0.4 * values.length + 0.85 * out) * m;
  }

  /**
   * Rows per tile: at most {@value #MAX_TILE}, the transposed inputs within {@link #TILE_FLOATS}, a
   * multiple of 16.
   */
  private int tileRows(int m) {
    int fit = Math.max(16, TILE_FLOATS / Math.max(1, blocked ? in : used.length) / 16 * 16);
    return Math.min(Math.min(MAX_TILE, fit), (m + 15) / 16 * 16);
  }

  /**
   * {@code x · W} into a new C-ordered float array {@code [m, out]} (in the current workspace, if
   * any).
   *
   * @param x float rows {@code [m, in]} (an NHWC activation viewed as {@code [N*H*W, C]}, see
   *     {@link Tensors#rows})
   * @return the product
   */
  public INDArray multiply(INDArray x) {
    return multiply(x, tiled(rowsOf(x)));
  }

  /**
   * {@link #multiply(INDArray)} by the route given (the tests cover both routes on every shape).
   */
  INDArray multiply(INDArray x, boolean tiled) {
    int m = rowsOf(x);
    INDArray y = Nd4j.createUninitialized(DataType.FLOAT, new long[] {m, out}, 'c');
    if (m == 0) {
      return y;
    }
    FloatBuffer xs = Tensors.contiguous(x).data().asNioFloat();
    FloatBuffer ys = y.data().asNioFloat();
    int t = tiled ? tileRows(m) : Math.max(1, Math.min(m, 256));
    int blocks = (m + t - 1) / t;
    int parts =
        (long) m * Math.max(values.length, out) < PARALLEL_WORK ? 1 : Math.min(blocks, threads());
    if (parts == 1) {
      run(tiled, xs, ys, m, t, 0, blocks, 1);
    } else {
      IntStream.range(0, parts).parallel().forEach(p -> run(tiled, xs, ys, m, t, p, blocks, parts));
    }
    return y;
  }

  private int rowsOf(INDArray x) {
    checkNotNull(x, "input must not be null");
    checkArgument(
        x.rank() == 2 && x.size(1) == in,
        "input must be [m, %s] for a [%s, %s] weight, got shape %s",
        in,
        in,
        out,
        Arrays.toString(x.shape()));
    checkArgument(
        x.dataType() == DataType.FLOAT,
        "input must be float, got %s; cast it with castTo(FLOAT)",
        x.dataType());
    checkArgument(
        x.size(0) * Math.max(in, out) < Integer.MAX_VALUE,
        "input has %s rows, too many for int " + "indexing of a [%s, %s] product; split the batch",
        x.size(0),
        in,
        out);
    return (int) x.size(0);
  }

  /**
   * Threads a parallel stream started here can use: its fork-join pool's, plus the caller outside a
   * pool.
   */
  private static int threads() {
    return ForkJoinTask.inForkJoinPool()
        ? ForkJoinTask.getPool().getParallelism()
        : ForkJoinPool.getCommonPoolParallelism() + 1;
  }

  /** Blocks {@code first, first + step, ...} of {@code t} rows each. */
  private void run(
      boolean tiled,
      FloatBuffer xs,
      FloatBuffer ys,
      int m,
      int t,
      int first,
      int blocks,
      int step) {
    if (tiled) {
      new Tile(t).run(xs, ys, m, first, blocks, step);
      return;
    }
    float[] xr = new float[4 * in];
    float[] yr = new float[4 * out];
    for (int b = first; b < blocks; b += step) {
      int i = b * t;
      int end = Math.min(m, (b + 1) * t);
      for (; i + 4 <= end; i += 4) {
        xs.get(i * in, xr, 0, 4 * in);
        dotRows4(xr, yr);
        ys.put(i * out, yr, 0, 4 * out);
      }
      for (; i < end; i++) {
        xs.get(i * in, xr, 0, in);
        dotRow(xr, yr);
        ys.put(i * out, yr, 0, out);
      }
    }
  }

  /**
   * Four consecutive rows by the row route: each non-zero's index and value are loaded once for the
   * four.
   */
  private void dotRows4(float[] xr, float[] yr) {
    int x1 = in;
    int x2 = 2 * in;
    int x3 = 3 * in;
    for (int n = 0; n < out; n++) {
      float s0 = 0;
      float s1 = 0;
      float s2 = 0;
      float s3 = 0;
      for (int j = start[n], e = start[n + 1]; j < e; j++) {
        float v = values[j];
        int k = rows[j];
        s0 += v * xr[k];
        s1 += v * xr[x1 + k];
        s2 += v * xr[x2 + k];
        s3 += v * xr[x3 + k];
      }
      yr[n] = s0;
      yr[out + n] = s1;
      yr[2 * out + n] = s2;
      yr[3 * out + n] = s3;
    }
  }

  /** One row by the row route: every output a dot product with its non-zeros. */
  private void dotRow(float[] xr, float[] yr) {
    for (int n = 0; n < out; n++) {
      float s = 0;
      for (int j = start[n], e = start[n + 1]; j < e; j++) {
        s += values[j] * xr[rows[j]];
      }
      yr[n] = s;
    }
  }

  /** The scratch arrays of one thread's tiles. */
  private final class Tile {
    private final int t;
    private final float[] xRows;
    private final float[][] xt;
    private final float[][] acc;
    private final float[] yRows;

    Tile(int t) {
      this.t = t;
      this.xRows = new float[t * in];
      this.xt = new float[in][];
      if (blocked) {
        for (int k = 0; k < in; k++) {
          xt[k] = new float[t];
        }
      } else {
        for (int k : used) {
          xt[k] = new float[t];
        }
      }
      this.acc = new float[GROUP][t];
      this.yRows = new float[t * out];
    }

    void run(FloatBuffer xs, FloatBuffer ys, int m, int first, int tiles, int step) {
      for (int tile = first; tile < tiles; tile += step) {
        int m0 = tile * t;
        int cnt = Math.min(t, m - m0);
        xs.get(m0 * in, xRows, 0, cnt * in);
        transposeIn(cnt);
        for (int n0 = 0; n0 < out; n0 += GROUP) {
          int g = Math.min(GROUP, out - n0);
          for (int q = 0; q < g; q++) {
            column(n0 + q, acc[q], cnt);
          }
          if (g == GROUP) {
            write8(n0, cnt, 0);
            write8(n0, cnt, 8);
          } else {
            for (int q = 0; q < g; q++) {
              float[] a = acc[q];
              for (int i = 0, b = n0 + q; i < cnt; i++, b += out) {
                yRows[b] = a[i];
              }
            }
          }
        }
        ys.put(m0 * out, yRows, 0, cnt * out);
      }
    }

    /**
     * The tile's rows into {@code xt[k][row]}: all inputs eight to a sweep, or only the used ones.
     */
    private void transposeIn(int cnt) {
      float[] x = xRows;
      int q = 0;
      if (blocked) {
        for (; q + 8 <= in; q += 8) {
          float[] t0 = xt[q];
          float[] t1 = xt[q + 1];
          float[] t2 = xt[q + 2];
          float[] t3 = xt[q + 3];
          float[] t4 = xt[q + 4];
          float[] t5 = xt[q + 5];
          float[] t6 = xt[q + 6];
          float[] t7 = xt[q + 7];
          for (int i = 0, b = q; i < cnt; i++, b += in) {
            t0[i] = x[b];
            t1[i] = x[b + 1];
            t2[i] = x[b + 2];
            t3[i] = x[b + 3];
            t4[i] = x[b + 4];
            t5[i] = x[b + 5];
            t6[i] = x[b + 6];
            t7[i] = x[b + 7];
          }
        }
      }
      int[] ks = blocked ? null : used;
      for (int end = blocked ? in : used.length; q < end; q++) {
        int k = ks == null ? q : ks[q];
        float[] tk = xt[k];
        for (int i = 0, b = k; i < cnt; i++, b += in) {
          tk[i] = x[b];
        }
      }
    }

    /** Outputs {@code n0 + g .. n0 + g + 7} from their accumulators into the row-major tile. */
    private void write8(int n0, int cnt, int g) {
      float[] y = yRows;
      float[] a0 = acc[g];
      float[] a1 = acc[g + 1];
      float[] a2 = acc[g + 2];
      float[] a3 = acc[g + 3];
      float[] a4 = acc[g + 4];
      float[] a5 = acc[g + 5];
      float[] a6 = acc[g + 6];
      float[] a7 = acc[g + 7];
      for (int i = 0, b = n0 + g; i < cnt; i++, b += out) {
        y[b] = a0[i];
        y[b + 1] = a1[i];
        y[b + 2] = a2[i];
        y[b + 3] = a3[i];
        y[b + 4] = a4[i];
        y[b + 5] = a5[i];
        y[b + 6] = a6[i];
        y[b + 7] = a7[i];
      }
    }

    /**
     * Output column n over the tile's rows into {@code a}: balanced passes of at most {@value
     * #PASS}.
     */
    private void column(int n, float[] a, int cnt) {
      int j = start[n];
      int c = start[n + 1] - j;
      if (c == 0) {
        Arrays.fill(a, 0, cnt, 0f);
        return;
      }
      int passes = (c + PASS - 1) / PASS;
      int base = c / passes;
      int extra = c % passes;
      for (int p = 0; p < passes; p++) {
        int len = base + (p < extra ? 1 : 0);
        pass(p == 0, len, j, a, cnt);
        j += len;
      }
    }

    private void pass(boolean first, int len, int j, float[] a, int cnt) {
      float[] v = values;
      int[] r = rows;
      float[][] x = xt;
      switch (len) {
        case 1 -> {
          if (first) {
            set1(a, v[j], x[r[j]], cnt);
          } else {
            add1(a, v[j], x[r[j]], cnt);
          }
        }
        case 2 -> {
          if (first) {
            set2(a, v[j], x[r[j]], v[j + 1], x[r[j + 1]], cnt);
          } else {
            add2(a, v[j], x[r[j]], v[j + 1], x[r[j + 1]], cnt);
          }
        }
        case 3 -> {
          if (first) {
            set3(a, v[j], x[r[j]], v[j + 1], x[r[j + 1]], v[j + 2], x[r[j + 2]], cnt);
          } else {
            add3(a, v[j], x[r[j]], v[j + 1], x[r[j + 1]], v[j + 2], x[r[j + 2]], cnt);
          }
        }
        case 4 -> {
          if (first) {
            set4(
                a,
                v[j],
                x[r[j]],
                v[j + 1],
                x[r[j + 1]],
                v[j + 2],
                x[r[j + 2]],
                v[j + 3],
                x[r[j + 3]],
                cnt);
          } else {
            add4(
                a,
                v[j],
                x[r[j]],
                v[j + 1],
                x[r[j + 1]],
                v[j + 2],
                x[r[j + 2]],
                v[j + 3],
                x[r[j + 3]],
                cnt);
          }
        }
        default -> {
          if (first) {
            set5(
                a,
                v[j],
                x[r[j]],
                v[j + 1],
                x[r[j + 1]],
                v[j + 2],
                x[r[j + 2]],
                v[j + 3],
                x[r[j + 3]],
                v[j + 4],
                x[r[j + 4]],
                cnt);
          } else {
            add5(
                a,
                v[j],
                x[r[j]],
                v[j + 1],
                x[r[j + 1]],
                v[j + 2],
                x[r[j + 2]],
                v[j + 3],
                x[r[j + 3]],
                v[j + 4],
                x[r[j + 4]],
                cnt);
          }
        }
      }
    }
  }

  // the passes: a first one assigns (no zeroing, no load of the accumulator), later ones accumulate

  private static void set1(float[] a, float v0, float[] x0, int n) {
    for (int i = 0; i < n; i++) {
      a[i] = v0 * x0[i];
    }
  }

  private static void add1(float[] a, float v0, float[] x0, int n) {
    for (int i = 0; i < n; i++) {
      a[i] += v0 * x0[i];
    }
  }

  private static void set2(float[] a, float v0, float[] x0, float v1, float[] x1, int n) {
    for (int i = 0; i < n; i++) {
      a[i] = v0 * x0[i] + v1 * x1[i];
    }
  }

  private static void add2(float[] a, float v0, float[] x0, float v1, float[] x1, int n) {
    for (int i = 0; i < n; i++) {
      a[i] += v0 * x0[i] + v1 * x1[i];
    }
  }

  private static void set3(
      float[] a, float v0, float[] x0, float v1, float[] x1, float v2, float[] x2, int n) {
    for (int i = 0; i < n; i++) {
      a[i] = v0 * x0[i] + v1 * x1[i] + v2 * x2[i];
    }
  }

  private static void add3(
      float[] a, float v0, float[] x0, float v1, float[] x1, float v2, float[] x2, int n) {
    for (int i = 0; i < n; i++) {
      a[i] += v0 * x0[i] + v1 * x1[i] + v2 * x2[i];
    }
  }

  private static void set4(
      float[] a,
      float v0,
      float[] x0,
      float v1,
      float[] x1,
      float v2,
      float[] x2,
      float v3,
      float[] x3,
      int n) {
    for (int i = 0; i < n; i++) {
      a[i] = v0 * x0[i] + v1 * x1[i] + v2 * x2[i] + v3 * x3[i];
    }
  }

  private static void add4(
      float[] a,
      float v0,
      float[] x0,
      float v1,
      float[] x1,
      float v2,
      float[] x2,
      float v3,
      float[] x3,
      int n) {
    for (int i = 0; i < n; i++) {
      a[i] += v0 * x0[i] + v1 * x1[i] + v2 * x2[i] + v3 * x3[i];
    }
  }

  private static void set5(
      float[] a,
      float v0,
      float[] x0,
      float v1,
      float[] x1,
      float v2,
      float[] x2,
      float v3,
      float[] x3,
      float v4,
      float[] x4,
      int n) {
    for (int i = 0; i < n; i++) {
      a[i] = v0 * x0[i] + v1 * x1[i] + v2 * x2[i] + v3 * x3[i] + v4 * x4[i];
    }
  }

  private static void add5(
      float[] a,
      float v0,
      float[] x0,
      float v1,
      float[] x1,
      float v2,
      float[] x2,
      float v3,
      float[] x3,
      float v4,
      float[] x4,
      int n) {
    for (int i = 0; i < n; i++) {
      a[i] += v0 * x0[i] + v1 * x1[i] + v2 * x2[i] + v3 * x3[i] + v4 * x4[i];
    }
  }

  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT,
        "SparseMatmul[%d x %d, %d non-zeros, sparsity %.3f, %d inputs used]",
        in,
        out,
        values.length,
        sparsity(),
        used.length);
  }
}

package dev.supertickets.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.tensor.Tensors;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code x · W} for a weight matrix {@code W} with unstructured sparsity, the product of a 1x1 convolution on the
 * {@code [N*H*W, cIn]} view or of a linear layer, with {@code W} stored as our layers store it, {@code [in, out]}.
 * Only the non-zero weights are kept (compressed by output column: for each output, its inputs and values), so
 * the work is proportional to the non-zeros; ND4J's dense GEMM does every multiply-add whatever the weights. At
 * high sparsity (about 90% and above for the shapes of our supernets, see the bench's sparse row) this is faster.
 *
 * <p>Two routes, chosen from the count of non-zeros. Usually the rows of {@code x} are processed in tiles of
 * {@value #TILE}: a tile is transposed into one array per input, every output accumulates {@code v · x[k]} over its
 * non-zeros four at a time into its own array, and the tile is transposed back. Each inner loop then indexes all of
 * its arrays alike, the form HotSpot's C2 vectorises (see {@link DepthwiseBackward}), but the two transposes cost
 * about {@code in + out} element moves per row whatever the sparsity. With fewer non-zeros than {@code in + out}
 * (about 98.5% sparsity for a 96x192 weight) each row is instead scattered directly: every non-zero input of the row
 * adds {@code x[k] · W[k, :]} over that row of {@code W}'s non-zeros (scalar, but nothing else to do, and zero
 * inputs, common after a ReLU, are skipped). Rows are shared among the threads of the current fork-join pool.
 * Immutable and thread-safe.
 */
public final class SparseMatmul {
  /** Rows of {@code x} per tile. */
  static final int TILE = 128;

  private final int in;
  private final int out;
  /** For output column n, its non-zeros are {@code rows[start[n]..start[n+1])} with values {@code values[..]}. */
  private final int[] start;
  private final int[] rows;
  private final float[] values;
  /** The same non-zeros by input row k: {@code cols[rowStart[k]..rowStart[k+1])}, values {@code rowValues}. */
  private final int[] rowStart;
  private final int[] cols;
  private final float[] rowValues;
  private final boolean scatter;

  private SparseMatmul(int in, int out, float[] w) {
    this.in = in;
    this.out = out;
    int nnz = 0;
    this.start = new int[out + 1];
    this.rowStart = new int[in + 1];
    for (int k = 0; k < in; k++) {
      for (int n = 0; n < out; n++) {
        if (w[k * out + n] != 0) {
          start[n + 1]++;
          nnz++;
        }
      }
      rowStart[k + 1] = nnz;
    }
    for (int n = 0; n < out; n++) {
      start[n + 1] += start[n];
    }
    int[] fill = Arrays.copyOf(start, out);
    this.rows = new int[nnz];
    this.values = new float[nnz];
    this.cols = new int[nnz];
    this.rowValues = new float[nnz];
    int p = 0;
    for (int k = 0; k < in; k++) {
      for (int n = 0; n < out; n++) {
        float v = w[k * out + n];
        if (v != 0) {
          rows[fill[n]] = k;
          values[fill[n]++] = v;
          cols[p] = n;
          rowValues[p++] = v;
        }
      }
    }
    this.scatter = nnz < in + out;
  }

  /**
   * The sparse form of a float weight matrix {@code [in, out]}; exact zeros are dropped (fold a mask in first,
   * e.g. with {@link Param#effective()}).
   *
   * @param weight the matrix, rank 2 (a 1x1 kernel {@code [1, 1, in, out]} reshaped to {@code [in, out]})
   * @return the compressed matrix
   */
  public static SparseMatmul of(INDArray weight) {
    checkNotNull(weight, "weight must not be null");
    checkArgument(weight.rank() == 2, "weight must be a [in, out] matrix, got shape %s; reshape a 1x1 kernel "
        + "[1, 1, in, out] to [in, out]", Arrays.toString(weight.shape()));
    int in = Math.toIntExact(weight.size(0));
    int out = Math.toIntExact(weight.size(1));
    return new SparseMatmul(in, out, Tensors.contiguous(weight.castTo(DataType.FLOAT)).data().asFloat());
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

  /**
   * {@code x · W} into a new C-ordered float array {@code [m, out]}.
   *
   * @param x float rows {@code [m, in]} (an NHWC activation viewed as {@code [N*H*W, C]}, see
   *     {@link Tensors#rows})
   * @return the product
   */
  public INDArray multiply(INDArray x) {
    checkNotNull(x, "input must not be null");
    checkArgument(x.rank() == 2 && x.size(1) == in, "input must be [m, %s] for a [%s, %s] weight, got shape %s",
        in, in, out, Arrays.toString(x.shape()));
    checkArgument(x.dataType() == DataType.FLOAT, "input must be float, got %s; cast it with castTo(FLOAT)",
        x.dataType());
    int m = Math.toIntExact(x.size(0));
    FloatBuffer xs = Tensors.contiguous(x).data().asNioFloat();
    INDArray y = Nd4j.createUninitialized(DataType.FLOAT, new long[] {m, out}, 'c');
    FloatBuffer ys = y.data().asNioFloat();
    int tiles = (m + TILE - 1) / TILE;
    int parts = Math.min(tiles, Math.max(1, ForkJoinPool.getCommonPoolParallelism() + 1));
    IntStream.range(0, parts).parallel().forEach(part -> {
      float[] xRows = new float[TILE * in];
      float[][] xt = scatter ? null : new float[in][TILE];
      float[][] acc = scatter ? null : new float[out][TILE];
      float[] yRows = new float[TILE * out];
      for (int t = part; t < tiles; t += parts) {
        int m0 = t * TILE;
        int rowsHere = Math.min(TILE, m - m0);
        xs.get(m0 * in, xRows, 0, rowsHere * in);
        if (rowsHere < TILE) {
          // stale rows of the last tile would only feed outputs that are never written back; zero them anyway so
          // that no NaN from an earlier tile can leak into a timing or a debugger
          Arrays.fill(xRows, rowsHere * in, TILE * in, 0f);
        }
        if (scatter) {
          scatterRows(xRows, yRows, rowsHere);
        } else {
          tile(xRows, xt, acc, yRows);
        }
        ys.put(m0 * out, yRows, 0, rowsHere * out);
      }
    });
    return y;
  }

  /** The rows of a tile, each scattered from its non-zero inputs through the rows of W. */
  private void scatterRows(float[] xRows, float[] yRows, int count) {
    Arrays.fill(yRows, 0, count * out, 0f);
    for (int i = 0; i < count; i++) {
      int xb = i * in;
      int yb = i * out;
      for (int k = 0; k < in; k++) {
        float xv = xRows[xb + k];
        if (xv == 0) {
          continue;
        }
        int end = rowStart[k + 1];
        for (int j = rowStart[k]; j < end; j++) {
          yRows[yb + cols[j]] += xv * rowValues[j];
        }
      }
    }
  }

  /** One tile: transpose in, accumulate per output column, transpose out. */
  private void tile(float[] xRows, float[][] xt, float[][] acc, float[] yRows) {
    for (int i = 0; i < TILE; i++) {
      int base = i * in;
      for (int k = 0; k < in; k++) {
        xt[k][i] = xRows[base + k];
      }
    }
    for (int n = 0; n < out; n++) {
      float[] a = acc[n];
      Arrays.fill(a, 0f);
      int j = start[n];
      int end = start[n + 1];
      for (; j + 4 <= end; j += 4) {
        axpy4(a, values[j], xt[rows[j]], values[j + 1], xt[rows[j + 1]], values[j + 2], xt[rows[j + 2]],
            values[j + 3], xt[rows[j + 3]]);
      }
      for (; j < end; j++) {
        axpy(a, values[j], xt[rows[j]]);
      }
    }
    for (int n = 0; n < out; n++) {
      float[] a = acc[n];
      for (int i = 0; i < TILE; i++) {
        yRows[i * out + n] = a[i];
      }
    }
  }

  // four non-zeros per pass: the accumulator is loaded and stored once for four multiply-adds
  private static void axpy4(float[] a, float v0, float[] x0, float v1, float[] x1, float v2, float[] x2, float v3,
      float[] x3) {
    for (int i = 0; i < TILE; i++) {
      a[i] += v0 * x0[i] + v1 * x1[i] + v2 * x2[i] + v3 * x3[i];
    }
  }

  private static void axpy(float[] a, float v, float[] x) {
    for (int i = 0; i < TILE; i++) {
      a[i] += v * x[i];
    }
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "SparseMatmul[%d x %d, %d non-zeros, sparsity %.3f, %s]", in, out,
        values.length, sparsity(), scatter ? "row scatter" : "tiled");
  }
}

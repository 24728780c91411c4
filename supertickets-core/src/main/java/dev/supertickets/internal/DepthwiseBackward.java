package dev.supertickets.internal;

import dev.supertickets.tensor.Tensors;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The backward pass of a depthwise convolution (NHWC, multiplier 1) in plain Java, split over
 * images on the common pool. libnd4j's {@code depthwise_conv2d_bp} took about 12 times its forward
 * pass on CPU.
 *
 * <p>Single precision takes the fast route: every inner loop reads and writes its arrays at one
 * shared index, the only form that HotSpot's C2 (JDK 17) vectorises; with a different offset per
 * array it must assume the {@code float[]} operands may alias and runs scalar code (measured 1.3
 * against 7 GMAC/s). So each image row is copied once, zero-padded and split into {@code stride}
 * phases (columns {@code m*stride + phase}); each output-gradient row into copies shifted by one
 * pixel each; each kernel tap into a row repeated along the width. A tap then becomes one aligned
 * multiply-accumulate over a whole row, for the weight gradient (folded over the width at the end)
 * and, for other strides and paddings, the input gradient. At stride 1 with 'same' padding the
 * input gradient is the depthwise convolution of the output gradient with the flipped kernel, which
 * libnd4j's forward op computes faster than any loop here. Double precision runs the direct loops,
 * which the gradient checks use and which serve as the reference for the fast route.
 */
public final class DepthwiseBackward {
  private DepthwiseBackward() {}

  /**
   * Returns {dx, dW} for input x [N,H,W,C], kernel w [k,k,1,C] (or flat), gradient dy [N,OH,OW,C].
   */
  public static INDArray[] compute(
      INDArray x, INDArray w, INDArray dy, int k, int stride, int pad) {
    if (x.dataType() == DataType.DOUBLE) {
      return reference(x, w, dy, k, stride, pad);
    }
    return new Geometry(x.shape(), dy.shape(), k, stride, pad)
        .run(Tensors.contiguous(x), Tensors.contiguous(w), Tensors.contiguous(dy));
  }

  /**
   * The input gradient, with the weight gradient handed to {@code weightGradient}: at stride 1 with
   * 'same' padding in single precision (the input gradient then comes from libnd4j's forward op,
   * the weight gradient from the Java loop alone) that hand-over is {@link PathLanes#offload
   * offloaded}, since no later layer's backward pass waits for it; the caller must {@link
   * PathLanes#settle() settle} before x and dy go out of scope. Otherwise as {@link #compute}.
   */
  public static INDArray backward(
      INDArray x,
      INDArray w,
      INDArray dy,
      int k,
      int stride,
      int pad,
      Consumer<INDArray> weightGradient) {
    if (x.dataType() == DataType.FLOAT && inputGradientByOp(k, stride, pad)) {
      INDArray xc = Tensors.contiguous(x);
      INDArray dyc = Tensors.contiguous(dy);
      Geometry geometry = new Geometry(x.shape(), dy.shape(), k, stride, pad);
      INDArray dx = flippedForward(dyc, Tensors.contiguous(w).data().asFloat(), k, geometry.c);
      PathLanes.offload(() -> weightGradient.accept(geometry.weights(xc, dyc)));
      return dx;
    }
    INDArray[] g = compute(x, w, dy, k, stride, pad);
    weightGradient.accept(g[1]);
    return g[0];
  }

  /**
   * Stride 1, 'same' padding: dx is the depthwise convolution of dy with the flipped kernel, which
   * the native forward op computes in a fraction of the time the Java loop would take for it.
   */
  private static boolean inputGradientByOp(int k, int stride, int pad) {
    return stride == 1 && k % 2 == 1 && pad == (k - 1) / 2;
  }

  /** Shapes of one call and the padded, phase-split row layout derived from them. */
  private static final class Geometry {
    final int n;
    final int h;
    final int wd;
    final int c;
    final int oh;
    final int ow;
    final int k;
    final int s;
    final int pad;

    /** Padded-row columns per phase, and floats per phase row. */
    final int cols;

    final int len;
    final int shifts;

    Geometry(long[] in, long[] out, int k, int stride, int pad) {
      this.n = (int) in[0];
      this.h = (int) in[1];
      this.wd = (int) in[2];
      this.c = (int) in[3];
      this.oh = (int) out[1];
      this.ow = (int) out[2];
      this.k = k;
      this.s = stride;
      this.pad = pad;
      this.shifts = (k - 1) / stride + 1;
      // room for every input column and for every tap of every output column
      this.cols = Math.max((wd + pad + stride - 1) / stride + 1, ow + shifts);
      this.len = cols * c;
    }

    INDArray[] run(INDArray x, INDArray w, INDArray dy) {
      FloatBuffer xs = x.data().asNioFloat();
      FloatBuffer gs = dy.data().asNioFloat();
      float[] ws = w.data().asFloat();
      boolean viaOp = inputGradientByOp(k, s, pad);
      INDArray dx =
          viaOp
              ? flippedForward(dy, ws, k, c)
              : Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
      FloatBuffer dxs = viaOp ? null : dx.data().asNioFloat();
      float[][] wrep = viaOp ? null : new float[k * k][len];
      for (int tap = 0; wrep != null && tap < k * k; tap++) {
        for (int u = 0; u < len; u++) {
          wrep[tap][u] = ws[tap * c + u % c];
        }
      }
      return new INDArray[] {dx, images(xs, gs, wrep, dxs)};
    }

    /** The weight gradient alone (dx computed elsewhere). */
    INDArray weights(INDArray x, INDArray dy) {
      return images(x.data().asNioFloat(), dy.data().asNioFloat(), null, null);
    }

    /** Every image, in parts: writes dx rows when dxs is given, returns dW. */
    private INDArray images(FloatBuffer xs, FloatBuffer gs, float[][] wrep, FloatBuffer dxs) {
      int parts = Math.min(n, Math.max(1, ForkJoinPool.getCommonPoolParallelism() + 1));
      float[] dw = new float[k * k * c];
      float[][][] acc = new float[parts][][];
      PathLanes.forEachPart(parts, part -> acc[part] = images(part, parts, xs, gs, wrep, dxs));
      for (float[][] t : acc) {
        for (int tap = 0; tap < k * k; tap++) {
          for (int u = 0; u < len; u++) {
            dw[tap * c + u % c] += t[tap][u];
          }
        }
      }
      return Nd4j.create(dw, new long[] {k, k, 1, c}, 'c');
    }

    /**
     * The weight gradient of one image when dx is computed elsewhere: {@link #ROWS} output rows at
     * a time, so that each accumulator is loaded and stored once per two rows rather than once per
     * row (the loop was bound by those loads and stores). Rows above and below the image read
     * {@code zero}.
     */
    private void weightGradient(
        float[][] t, float[][][] xImg, float[] gi, float[][][] gq, float[][] xr, float[] zero) {
      int rowOut = ow * c;
      for (int y0 = 0; y0 < oh; y0 += ROWS) {
        int rows = Math.min(ROWS, oh - y0);
        for (int r = 0; r < ROWS; r++) {
          for (int sh = 0; sh < shifts; sh++) {
            if (r < rows) {
              System.arraycopy(gi, (y0 + r) * rowOut, gq[r][sh], sh * c, rowOut);
            } else {
              Arrays.fill(gq[r][sh], 0f);
            }
          }
        }
        for (int i = 0; i < k; i++) {
          boolean inside = false;
          for (int r = 0; r < ROWS; r++) {
            int iy = (y0 + r) * s + i - pad;
            boolean row = r < rows && iy >= 0 && iy < h;
            xr[r] = row ? xImg[iy][0] : zero;
            inside |= row;
          }
          if (!inside) {
            continue; // both input rows in the padding: every product is zero
          }
          for (int j = 0; j < k; j++) {
            // only the columns where tap j meets the image, not its zero padding (a 7x7 kernel on
            // a 7x7 image: 37 of 49 columns), so the sums are those of the whole row
            int from = Math.max(j, pad) * c;
            int to = Math.min(j + ow, pad + wd) * c;
            if (from < to) {
              accumulate2(t[i * k + j], xr[0], xr[1], gq[0][j], gq[1][j], from, to);
            }
          }
        }
      }
    }

    /**
     * Images part, part + parts, ...: writes their dx rows and returns this part's per-tap dW
     * accumulators.
     */
    private float[][] images(
        int part, int parts, FloatBuffer xs, FloatBuffer gs, float[][] wrep, FloatBuffer dxs) {
      float[][] t = new float[k * k][len];
      float[][][] xImg = new float[h][s][len];
      float[][][] dxImg = dxs == null ? null : new float[h][s][len];
      int rowIn = wd * c;
      int rowOut = ow * c;
      // one bulk copy per image: a FloatBuffer call per pixel cost more than the arithmetic at a
      // few channels
      float[] xi = new float[h * rowIn];
      float[] gi = new float[oh * rowOut];
      // the scratch of one route or the other, made once for all of this part's images
      float[][] gsh = dxs == null ? null : new float[shifts][len];
      float[] dxi = dxs == null ? null : new float[h * rowIn];
      float[][][] gq = dxs == null ? new float[ROWS][shifts][len] : null;
      float[][] xr = dxs == null ? new float[ROWS][] : null;
      float[] zero = dxs == null ? new float[len] : null;
      for (int img = part; img < n; img += parts) {
        xs.get(img * h * rowIn, xi, 0, h * rowIn);
        gs.get(img * oh * rowOut, gi, 0, oh * rowOut);
        for (int r = 0; r < h; r++) {
          for (int ph = 0; dxImg != null && ph < s; ph++) {
            Arrays.fill(dxImg[r][ph], 0f);
          }
          if (s == 1) {
            System.arraycopy(xi, r * rowIn, xImg[r][0], pad * c, rowIn);
          } else {
            for (int xi0 = 0; xi0 < wd; xi0++) {
              int col = xi0 + pad;
              System.arraycopy(xi, r * rowIn + xi0 * c, xImg[r][col % s], (col / s) * c, c);
            }
          }
        }
        if (dxs == null) {
          weightGradient(t, xImg, gi, gq, xr, zero);
          continue;
        }
        for (int y = 0; y < oh; y++) {
          for (int sh = 0; sh < shifts; sh++) {
            System.arraycopy(gi, y * rowOut, gsh[sh], sh * c, rowOut);
          }
          for (int i = 0; i < k; i++) {
            int iy = y * s + i - pad;
            if (iy < 0 || iy >= h) {
              continue;
            }
            for (int j = 0; j < k; j++) {
              int ph = j % s;
              int lo = (j / s) * c;
              accumulate(
                  t[i * k + j],
                  dxImg[iy][ph],
                  xImg[iy][ph],
                  gsh[j / s],
                  wrep[i * k + j],
                  lo,
                  lo + rowOut);
            }
          }
        }
        for (int r = 0; r < h; r++) {
          for (int xi0 = 0; xi0 < wd; xi0++) {
            int col = xi0 + pad;
            System.arraycopy(dxImg[r][col % s], (col / s) * c, dxi, r * rowIn + xi0 * c, c);
          }
        }
        dxs.put(img * h * rowIn, dxi, 0, h * rowIn);
      }
      return t;
    }
  }

  private static void accumulate(
      float[] dwRow, float[] dxRow, float[] xRow, float[] gRow, float[] wRow, int lo, int hi) {
    for (int u = lo; u < hi; u++) {
      float g = gRow[u];
      dwRow[u] += xRow[u] * g;
      dxRow[u] += wRow[u] * g;
    }
  }

  /**
   * Output rows per pass of the weight-gradient loop ({@link #accumulate2}). C2 (JDK 17) vectorises
   * the loop with two rows (10.4 to 14.5 GMAC/s at 336 floats, against one row) but not with four
   * (3 GMAC/s: scalar).
   */
  private static final int ROWS = 2;

  private static void accumulate2(
      float[] dwRow, float[] x0, float[] x1, float[] g0, float[] g1, int lo, int hi) {
    for (int u = lo; u < hi; u++) {
      dwRow[u] += x0[u] * g0[u] + x1[u] * g1[u];
    }
  }

  private static INDArray flippedForward(INDArray dy, float[] ws, int k, int c) {
    float[] flipped = new float[ws.length];
    for (int tap = 0; tap < k * k; tap++) {
      System.arraycopy(ws, tap * c, flipped, (k * k - 1 - tap) * c, c);
    }
    INDArray out = Nd4j.createUninitialized(dy.dataType(), dy.shape());
    int p = (k - 1) / 2;
    Nd4j.exec(
        org.nd4j.linalg.api.ops.DynamicCustomOp.builder("depthwise_conv2d")
            .addInputs(dy, Nd4j.create(flipped, new long[] {k, k, c, 1}, 'c'))
            .addOutputs(out)
            .addIntegerArguments(k, k, 1, 1, p, p, 1, 1, 0, 1, 0)
            .build());
    return out;
  }

  /** The direct loops, in double precision. */
  public static INDArray[] reference(
      INDArray x, INDArray w, INDArray dy, int k, int stride, int pad) {
    int n = (int) x.size(0);
    int h = (int) x.size(1);
    int wd = (int) x.size(2);
    int c = (int) x.size(3);
    int oh = (int) dy.size(1);
    int ow = (int) dy.size(2);
    double[] xs = Tensors.contiguous(x).data().asDouble();
    double[] ws = Tensors.contiguous(w).data().asDouble();
    double[] gs = Tensors.contiguous(dy).data().asDouble();
    double[] dx = new double[xs.length];
    double[] dw = new double[k * k * c];
    for (int img = 0; img < n; img++) {
      for (int y = 0; y < oh; y++) {
        for (int i = 0; i < k; i++) {
          int iy = y * stride + i - pad;
          if (iy < 0 || iy >= h) {
            continue;
          }
          for (int xo = 0; xo < ow; xo++) {
            int gBase = ((img * oh + y) * ow + xo) * c;
            for (int j = 0; j < k; j++) {
              int ix = xo * stride + j - pad;
              if (ix < 0 || ix >= wd) {
                continue;
              }
              int xBase = ((img * h + iy) * wd + ix) * c;
              int wBase = (i * k + j) * c;
              for (int ch = 0; ch < c; ch++) {
                double g = gs[gBase + ch];
                dw[wBase + ch] += xs[xBase + ch] * g;
                dx[xBase + ch] += ws[wBase + ch] * g;
              }
            }
          }
        }
      }
    }
    return new INDArray[] {
      Nd4j.create(dx, x.shape(), 'c').castTo(x.dataType()),
      Nd4j.create(dw, new long[] {k, k, 1, c}, 'c').castTo(x.dataType())
    };
  }
}

package dev.supertickets.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Spatial resizing of NHWC activations to a fixed output size: nearest neighbour (as PyTorch's
 * {@code mode='nearest'}) or bilinear with {@code align_corners=False}.
 *
 * <p>Both are separable linear maps {@code y = A_h x A_wᵀ} per image and channel, so forward and
 * backward share one implementation and the gradient is exactly the transpose.
 */
public final class Resize implements Module {
  /** Interpolation mode. */
  public enum Interpolation {
    /** Nearest neighbour, as PyTorch's {@code mode='nearest'}. */
    NEAREST,
    /** Bilinear with {@code align_corners=False}. */
    BILINEAR
  }

  private final Interpolation mode;
  private final int outH;
  private final int outW;
  private INDArray ah;
  private INDArray aw;
  private long[] inputShape;

  /** Resizes every input to {@code outH x outW} pixels. */
  public Resize(Interpolation mode, int outH, int outW) {
    checkNotNull(mode, "interpolation must not be null; use Interpolation.BILINEAR");
    checkArgument(outH > 0 && outW > 0, "output size must be positive, got %sx%s", outH, outW);
    this.mode = mode;
    this.outH = outH;
    this.outW = outW;
  }

  @Override
  public INDArray forward(INDArray x, Mode m) {
    checkNotNull(x, "input must not be null");
    checkNotNull(m, "mode must not be null; use Mode.TRAIN or Mode.EVAL");
    inputShape = x.shape();
    INDArray h = matrix((int) x.size(1), outH, x.dataType(), true);
    INDArray w = matrix((int) x.size(2), outW, x.dataType(), false);
    return apply(x, h, w);
  }

  @Override
  public String describe(InferenceGraph graph, String x) {
    return graph.resize(x, mode, outH, outW);
  }

  @Override
  public INDArray backward(INDArray gradOut) {
    checkNotNull(gradOut, "output gradient must not be null");
    checkState(inputShape != null, "backward called before a forward pass");
    return apply(gradOut, ah.transpose(), aw.transpose());
  }

  /** y[n, :, :, c] = H x[n, :, :, c] Wᵀ, with H [outH, inH] and W [outW, inW]. */
  private static INDArray apply(INDArray x, INDArray h, INDArray w) {
    // contract H over axis 1: [N, W, C, outH]; then W over the old width axis: [N, C, outH, outW]
    INDArray t = Nd4j.tensorMmul(x, h.transpose(), new int[][] {{1}, {0}});
    INDArray u = Nd4j.tensorMmul(t, w.transpose(), new int[][] {{1}, {0}});
    return u.permute(0, 2, 3, 1).dup('c');
  }

  private INDArray matrix(int in, int out, DataType type, boolean rows) {
    INDArray cached = rows ? ah : aw;
    if (cached != null && cached.size(1) == in && cached.dataType() == type) {
      return cached;
    }
    double[][] a = new double[out][in];
    double scale = (double) in / out;
    for (int o = 0; o < out; o++) {
      if (mode == Interpolation.NEAREST) {
        a[o][Math.min((int) Math.floor(o * scale), in - 1)] = 1;
      } else {
        double src = Math.max((o + 0.5) * scale - 0.5, 0);
        int i0 = Math.min((int) Math.floor(src), in - 1);
        int i1 = Math.min(i0 + 1, in - 1);
        double f = src - i0;
        a[o][i0] += 1 - f;
        a[o][i1] += f;
      }
    }
    INDArray m = Nd4j.create(a).castTo(type).detach();
    if (rows) {
      ah = m;
    } else {
      aw = m;
    }
    return m;
  }

  @Override
  public void clearCache() {
    inputShape = null;
  }
}

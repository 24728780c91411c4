package dev.supertickets.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.nn.Conv2d;
import dev.supertickets.nn.Mode;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Tensors;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The fast single-precision depthwise backward (padded, phase-split rows) equals the direct
 * double-precision loops, which the gradient checks verify against finite differences, for every
 * stride, padding and shape.
 */
class DepthwiseBackwardProperties {
  @BeforeContainer
  static void backend() {
    Backend.init();
  }

  /**
   * Stride 1 with 'same' padding, the supernets' case: dW two output rows at a time, dx through the
   * native op.
   */
  @Property(tries = 40)
  void sameSizeRouteMatchesReference(
      @ForAll @IntRange(min = 1, max = 3) int n,
      @ForAll @IntRange(min = 1, max = 9) int h,
      @ForAll @IntRange(min = 1, max = 9) int w,
      @ForAll @IntRange(min = 1, max = 19) int c,
      @ForAll @IntRange(min = 0, max = 3) int halfK,
      @ForAll long seed) {
    check(n, h, w, c, 2 * halfK + 1, 1, halfK, seed);
  }

  @Property(tries = 60)
  void floatRouteMatchesReference(
      @ForAll @IntRange(min = 1, max = 3) int n,
      @ForAll @IntRange(min = 1, max = 9) int h,
      @ForAll @IntRange(min = 1, max = 9) int w,
      @ForAll @IntRange(min = 1, max = 19) int c,
      @ForAll @IntRange(min = 0, max = 3) int halfK,
      @ForAll @IntRange(min = 1, max = 3) int stride,
      @ForAll @IntRange(min = 0, max = 3) int padWish,
      @ForAll long seed) {
    int k = 2 * halfK + 1 - (seed % 3 == 0 && halfK > 0 ? 1 : 0); // even kernels too
    check(n, h, w, c, k, stride, Math.min(padWish, k - 1), seed);
  }

  /**
   * A depthwise convolution cut to one channel keeps the depthwise route, and computes what the
   * dense convolution of the same 1-to-1 kernel computes, forward and backward.
   */
  @Example
  void depthwiseCutToOneChannelStaysDepthwiseAndMatchesDenseConvolution() {
    Conv2d dw =
        Conv2d.builder("dw", 4, 4, 5).depthwise().stride(2).init(new SplittableRandom(3)).build();
    dw.keepOutputs(new int[] {2});
    assertThat(dw.isDepthwise()).isTrue();
    assertThat(dw.groups()).isEqualTo(1);
    Conv2d dense = Conv2d.builder("c", 1, 1, 5).stride(2).build();
    assertThat(dense.isDepthwise()).isFalse();
    dense.weight().value().assign(dw.weight().value());
    SplittableRandom rng = new SplittableRandom(5);
    INDArray x = Tensors.gaussian(rng, 1, DataType.FLOAT, 2, 9, 8, 1);
    INDArray y = dw.forward(x, Mode.TRAIN);
    assertThat(y.equalsWithEps(dense.forward(x, Mode.TRAIN), 1e-5)).isTrue();
    INDArray dy = Tensors.gaussian(rng, 1, DataType.FLOAT, y.shape());
    assertThat(dw.backward(dy).equalsWithEps(dense.backward(dy), 1e-4)).isTrue();
    assertThat(dw.weight().grad().equalsWithEps(dense.weight().grad(), 1e-4)).isTrue();
  }

  private static void check(int n, int h, int w, int c, int k, int stride, int pad, long seed) {
    int oh = (h + 2 * pad - k) / stride + 1;
    int ow = (w + 2 * pad - k) / stride + 1;
    if (oh < 1 || ow < 1) {
      return;
    }
    SplittableRandom rng = new SplittableRandom(seed);
    INDArray x = Tensors.gaussian(rng, 1, DataType.DOUBLE, n, h, w, c);
    INDArray wt = Tensors.gaussian(rng, 1, DataType.DOUBLE, k, k, 1, c);
    INDArray dy = Tensors.gaussian(rng, 1, DataType.DOUBLE, n, oh, ow, c);
    INDArray[] ref = DepthwiseBackward.reference(x, wt, dy, k, stride, pad);
    INDArray[] fast =
        DepthwiseBackward.compute(
            x.castTo(DataType.FLOAT),
            wt.castTo(DataType.FLOAT),
            dy.castTo(DataType.FLOAT),
            k,
            stride,
            pad);
    for (int i = 0; i < 2; i++) {
      INDArray diff = fast[i].castTo(DataType.DOUBLE).sub(ref[i]);
      double scale = Math.max(1, ref[i].amaxNumber().doubleValue());
      assertThat(diff.amaxNumber().doubleValue() / scale)
          .as(
              "%s, n %s, %sx%s, c %s, k %s, stride %s, pad %s",
              i == 0 ? "dx" : "dW", n, h, w, c, k, stride, pad)
          .isLessThan(1e-4);
      assertThat(fast[i].shape()).isEqualTo(ref[i].shape());
    }
  }
}

package dev.supertickets.supernet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.nn.Mode;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Tensors;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Properties of the searchable block: correct gradients, and cuts of dead channels preserve the
 * function.
 */
class InvertedResidualChannelsProperties {
  @BeforeContainer
  static void backend() {
    Backend.init();
  }

  private static InvertedResidualChannels block(
      int inp, int oup, int stride, int hidden, long seed) {
    return new InvertedResidualChannels(
        "b",
        inp,
        oup,
        stride,
        new int[] {3, 5},
        new int[] {hidden, hidden + 1},
        false,
        0.1,
        1e-3,
        new SplittableRandom(seed),
        DataType.DOUBLE);
  }

  @Property(tries = 8)
  void gradientsMatchFiniteDifferences(
      @ForAll @IntRange(min = 1, max = 3) int inp,
      @ForAll @IntRange(min = 1, max = 3) int oup,
      @ForAll @IntRange(min = 1, max = 2) int stride,
      @ForAll long seed) {
    InvertedResidualChannels b = block(inp, oup, stride, 2, seed);
    INDArray x = Tensors.gaussian(new SplittableRandom(seed), 1, DataType.DOUBLE, 2, 5, 5, inp);
    assertThat(dev.supertickets.nn.GradientCheckerAccess.maxRelativeError(b, x, seed, 4))
        .isLessThan(1e-5);
  }

  @Property(tries = 15)
  void cuttingChannelsWithZeroScaleAndShiftLeavesOutputUnchanged(
      @ForAll @IntRange(min = 1, max = 4) int inp,
      @ForAll @IntRange(min = 1, max = 4) int oup,
      @ForAll @IntRange(min = 1, max = 2) int stride,
      @ForAll @IntRange(min = 1, max = 5) int hidden,
      @ForAll boolean train,
      @ForAll long seed) {
    InvertedResidualChannels b = block(inp, oup, stride, hidden, seed);
    SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
    boolean[][] keep = new boolean[b.paths().size()][];
    for (int i = 0; i < keep.length; i++) {
      InvertedResidualChannels.Path p = b.paths().get(i);
      keep[i] = new boolean[p.hidden()];
      for (int c = 0; c < keep[i].length; c++) {
        keep[i][c] = rng.nextBoolean();
        if (!keep[i][c]) {
          p.importanceBn().gamma().value().putScalar(0, c, 0.0);
          p.importanceBn().beta().value().putScalar(0, c, 0.0);
        }
      }
    }
    INDArray x = Tensors.gaussian(new SplittableRandom(seed), 1, DataType.DOUBLE, 3, 6, 6, inp);
    Mode mode = train ? Mode.TRAIN : Mode.EVAL;
    INDArray before = b.forward(x, mode).dup();
    int kept = 0;
    for (boolean[] k : keep) {
      for (boolean f : k) {
        kept += f ? 1 : 0;
      }
    }
    b.keep(keep);
    INDArray after = b.forward(x, mode);
    assertThat(b.hiddenChannels()).isEqualTo(kept);
    assertThat(after.sub(before).amaxNumber().doubleValue()).isLessThan(1e-9);
  }
}

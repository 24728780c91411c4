package dev.supertickets.nn;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Batch norm's fused single-precision kernels agree with its double-precision ND4J route (which the
 * gradient checks verify against finite differences): outputs, running statistics, input and
 * parameter gradients, in training and calibration and evaluation, on tensors small and large
 * enough to be split over threads.
 */
class BatchNormFloatProperties {
  @BeforeContainer
  static void backend() {
    Backend.init();
  }

  @Property(tries = 40)
  void floatRouteMatchesDouble(
      @ForAll @IntRange(min = 1, max = 70) int channels,
      @ForAll @IntRange(min = 2, max = 3000) int rows,
      @ForAll boolean calibrate,
      @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    INDArray x = Tensors.gaussian(rng, 1, DataType.DOUBLE, rows, 1, 1, channels).muli(3).addi(1.5);
    INDArray gOut = Tensors.gaussian(rng, 1, DataType.DOUBLE, rows, 1, 1, channels);
    INDArray gamma = Tensors.gaussian(rng, 1, DataType.DOUBLE, 1, channels);
    INDArray beta = Tensors.gaussian(rng, 1, DataType.DOUBLE, 1, channels);
    BatchNorm ref = new BatchNorm("ref", channels, 0.1, 1e-3, DataType.DOUBLE);
    BatchNorm fast = new BatchNorm("fast", channels, 0.1, 1e-3, DataType.FLOAT);
    ref.gamma().value().assign(gamma);
    ref.beta().value().assign(beta);
    fast.gamma().value().assign(gamma);
    fast.beta().value().assign(beta);
    Mode mode = calibrate ? Mode.CALIBRATE : Mode.TRAIN;
    if (calibrate) {
      ref.resetRunningStats();
      fast.resetRunningStats();
    }
    close(fast.forward(x.castTo(DataType.FLOAT), mode), ref.forward(x, mode), "output");
    close(fast.runningMean(), ref.runningMean(), "running mean");
    close(fast.runningVar(), ref.runningVar(), "running variance");
    close(
        fast.forward(x.castTo(DataType.FLOAT), Mode.EVAL),
        ref.forward(x, Mode.EVAL),
        "evaluation output");
    if (!calibrate) {
      close(fast.backward(gOut.castTo(DataType.FLOAT)), ref.backward(gOut), "input gradient");
      close(fast.gamma().grad(), ref.gamma().grad(), "scale gradient");
      close(fast.beta().grad(), ref.beta().grad(), "shift gradient");
    }
  }

  private static void close(INDArray fast, INDArray ref, String what) {
    assertThat(fast.shape()).as(what).isEqualTo(ref.shape());
    double scale = Math.max(1, ref.amaxNumber().doubleValue());
    assertThat(fast.castTo(DataType.DOUBLE).sub(ref).amaxNumber().doubleValue() / scale)
        .as(what)
        .isLessThan(2e-4);
  }
}

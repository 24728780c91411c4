package dev.supertickets.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.supertickets.nn.BatchNorm;
import dev.supertickets.nn.Linear;
import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Param;
import dev.supertickets.nn.Sequential;
import dev.supertickets.nn.loss.SoftmaxCrossEntropy;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Tensors;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Losses, schedules, optimizers, EMA and BN re-calibration against hand computations. */
class TrainingPiecesTest {
  @BeforeAll
  static void backend() {
    Backend.init();
  }

  @Property(tries = 20)
  void lossGradientMatchesFiniteDifferences(
      @ForAll @IntRange(min = 2, max = 6) int k,
      @ForAll @DoubleRange(min = 0, max = 0.3) double smoothing,
      @ForAll boolean dense,
      @ForAll long seed) {
    Backend.init();
    SplittableRandom rng = new SplittableRandom(seed);
    long[] shape = dense ? new long[] {2, 3, 2, k} : new long[] {5, k};
    INDArray logits = Tensors.gaussian(rng, 2, DataType.DOUBLE, shape);
    int rows = (int) (logits.length() / k);
    int[] labels = new int[rows];
    for (int i = 0; i < rows; i++) {
      labels[i] = dense && i % 4 == 0 ? 255 : rng.nextInt(k);
    }
    SoftmaxCrossEntropy loss =
        new SoftmaxCrossEntropy(smoothing, dense ? 255 : SoftmaxCrossEntropy.NO_IGNORE);
    INDArray g = loss.compute(logits, labels).gradLogits();
    INDArray flat = logits.reshape(logits.length());
    for (int i = 0; i < flat.length(); i++) {
      double o = flat.getDouble(i);
      flat.putScalar(i, o + 1e-6);
      double lp = loss.compute(logits, labels).loss();
      flat.putScalar(i, o - 1e-6);
      double lm = loss.compute(logits, labels).loss();
      flat.putScalar(i, o);
      assertThat(g.reshape(g.length()).getDouble(i)).isCloseTo((lp - lm) / 2e-6, offset(1e-6));
    }
  }

  @Test
  void crossEntropyMatchesAHandExampleAndIgnoresPixels() {
    INDArray logits = Nd4j.createFromArray(new double[][] {{0, Math.log(3)}, {5, 5}});
    // row 0: p = (1/4, 3/4), label 1 -> -log(3/4); row 1 ignored
    SoftmaxCrossEntropy.Result r = new SoftmaxCrossEntropy(0, 7).compute(logits, new int[] {1, 7});
    assertThat(r.loss()).isCloseTo(-Math.log(0.75), offset(1e-12));
    assertThat(r.counted()).isEqualTo(1);
    assertThat(r.gradLogits().getRow(1).amaxNumber().doubleValue()).isZero();
    assertThatThrownBy(() -> new SoftmaxCrossEntropy().compute(logits, new int[] {1, 2}))
        .hasMessageContaining("label 2 at row 1 is outside [0, 2)");
  }

  @Test
  void schedulesFollowTheirFormulas() {
    LrSchedule oc = LrSchedule.oneCycle(0.1, 100);
    assertThat(oc.lr(0)).isCloseTo(0.1 / 25, offset(1e-12));
    assertThat(oc.lr(29)).isCloseTo(0.1, offset(1e-12)); // peak at pct*total - 1, as PyTorch
    assertThat(oc.lr(99)).isCloseTo(0.1 / 25 / 1e4, offset(1e-12));
    assertThat(LrSchedule.cosine(1, 0, 10).lr(5)).isCloseTo(0.5, offset(1e-12));
    assertThat(LrSchedule.multiStep(1, List.of(10L, 20L), 0.1).lr(15))
        .isCloseTo(0.1, offset(1e-12));
    assertThat(LrSchedule.exponential(1, 0.97, 3).lr(7)).isCloseTo(0.97 * 0.97, offset(1e-12));
    LrSchedule warm = LrSchedule.constant(1).withWarmup(10, 0);
    assertThat(warm.lr(5)).isCloseTo(0.5, offset(1e-12));
    assertThat(warm.lr(10)).isEqualTo(1);
  }

  @Test
  void optimizersMatchHandComputedUpdates() {
    Param p =
        new Param("w", Param.Kind.LINEAR_WEIGHT, Nd4j.createFromArray(1.0, -2.0).reshape(1, 2));
    p.grad().assign(Nd4j.createFromArray(0.5, -1.0).reshape(1, 2));
    new AdamW().step(List.of(p), 0.1); // first Adam step moves by lr * g / (|g| + eps)
    assertThat(p.value().getDouble(0)).isCloseTo(0.9, offset(1e-6));
    assertThat(p.value().getDouble(1)).isCloseTo(-1.9, offset(1e-6));
    Sgd sgd = new Sgd(0.9, false);
    p.value().assign(0);
    p.grad().assign(1);
    sgd.step(List.of(p), 0.1);
    sgd.step(List.of(p), 0.1); // buffers 1 then 1.9: total -0.1 - 0.19
    assertThat(p.value().getDouble(0)).isCloseTo(-0.29, offset(1e-9));
    RmsProp rms = new RmsProp(0.9, 0, 1e-3, true);
    p.value().assign(0);
    rms.step(List.of(p), 0.1); // ms = 0.1 g^2 = 0.1 -> step g / sqrt(0.1 + 1e-3)
    assertThat(p.value().getDouble(0)).isCloseTo(-0.1 / Math.sqrt(0.101), offset(1e-9));
  }

  @Test
  void emaSwapsInPlaceAndBnCalibrationAveragesBatches() {
    Linear l = new Linear("classifier", 2, 2, new SplittableRandom(1), DataType.DOUBLE);
    BatchNorm bn = new BatchNorm("bn", 2, 0.1, 1e-3, DataType.DOUBLE);
    Sequential m = Sequential.of(bn, l);
    Ema ema = new Ema(m, 0.5);
    INDArray before = l.weight().value().dup();
    l.weight().value().addi(1);
    ema.update(); // decay min(0.5, 2/11): shadow = d*old + (1-d)*new
    double d = 2.0 / 11;
    ema.swap();
    assertThat(l.weight().value().sub(before.add(1 - d)).amaxNumber().doubleValue())
        .isLessThan(1e-12);
    ema.swap();
    assertThat(l.weight().value().sub(before.add(1)).amaxNumber().doubleValue()).isLessThan(1e-12);
    bn.resetRunningStats();
    bn.forward(Nd4j.createFromArray(new double[][] {{0, 0}, {2, 2}}), Mode.CALIBRATE);
    bn.forward(Nd4j.createFromArray(new double[][] {{4, 4}, {6, 6}}), Mode.CALIBRATE);
    assertThat(bn.runningMean().getDouble(0))
        .isCloseTo(3, offset(1e-12)); // mean of batch means 1 and 5
  }
}

package dev.supertickets.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.data.Batch;
import dev.supertickets.nn.Flatten;
import dev.supertickets.nn.Linear;
import dev.supertickets.nn.Param;
import dev.supertickets.nn.Sequential;
import dev.supertickets.tensor.Backend;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * NaN and infinity are caught at the step they appear, named, and the weights stay the last good
 * ones.
 */
class NonFiniteTest {
  @BeforeAll
  static void init() {
    Backend.init();
  }

  private static Linear layer() {
    return new Linear("fc", 3, 2, new SplittableRandom(1), DataType.FLOAT);
  }

  private static Trainer.Builder trainer(Linear fc) {
    return Trainer.builder(Sequential.of(new Flatten(), fc));
  }

  private static Batch batch(float first) {
    INDArray x = Nd4j.create(new float[] {first, 1, 2, 3, 4, 5}, new long[] {2, 1, 3, 1}, 'c');
    return new Batch(x, new int[] {0, 1}, 2);
  }

  @Test
  void nanInTheDataStopsTheStepAndNamesTheLoss() {
    Linear fc = layer();
    Trainer t = trainer(fc).optimizer(new AdamW()).schedule(LrSchedule.constant(0.1)).build();
    t.step(batch(0), 0);
    float[] before = fc.params().get(0).value().dup().data().asFloat();
    assertThatThrownBy(() -> t.step(batch(Float.NaN), 3))
        .isInstanceOfSatisfying(
            NonFiniteException.class,
            e -> {
              assertThat(e.epoch()).isEqualTo(3);
              assertThat(e.step()).isEqualTo(1);
              assertThat(e.what()).isEqualTo("loss");
              assertThat(e.getMessage()).contains("at epoch 3, step 1").contains("check the data");
            });
    assertThat(fc.params().get(0).value().data().asFloat()).containsExactly(before);
    assertThat(t.globalStep()).as("the refused step is not counted").isEqualTo(1);
  }

  @Test
  void aBadGradientIsNamedAndNeverReachesTheWeights() {
    Linear fc = layer();
    Param w = fc.params().get(0);
    Regularizer poison =
        (model, step) -> {
          w.grad().putScalar(0, Double.POSITIVE_INFINITY);
          return 0;
        };
    Trainer t =
        trainer(fc)
            .optimizer(new AdamW())
            .schedule(LrSchedule.constant(0.1))
            .regularizer(poison)
            .build();
    float[] before = w.value().dup().data().asFloat();
    assertThatThrownBy(() -> t.step(batch(0), 0))
        .isInstanceOfSatisfying(
            NonFiniteException.class,
            e -> assertThat(e.what()).isEqualTo("gradient of " + w.name()))
        .hasMessageContaining("lower the learning rate");
    assertThat(w.value().data().asFloat()).containsExactly(before);
  }

  @Test
  void aWeightThatOverflowsInTheUpdateIsNamed() {
    Linear fc = layer();
    Trainer t =
        trainer(fc).optimizer(new Sgd(0, false)).schedule(LrSchedule.constant(1e38)).build();
    assertThatThrownBy(() -> t.step(batch(1e3f), 0))
        .isInstanceOfSatisfying(
            NonFiniteException.class, e -> assertThat(e.what()).startsWith("weight fc."));
  }
}

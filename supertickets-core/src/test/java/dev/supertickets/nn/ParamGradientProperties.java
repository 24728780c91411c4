package dev.supertickets.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gradient bookkeeping gives the same numbers on the Java route (small single-precision gradients)
 * as on the ND4J route (large or double ones): accumulation is masked and adds up, zeroing clears,
 * whatever the size.
 */
class ParamGradientProperties {
  @BeforeContainer
  static void backend() {
    Backend.init();
  }

  @Property(tries = 30)
  void accumulateMasksAddsUpAndZeroClears(
      @ForAll @IntRange(min = 1, max = 40) int rows,
      @ForAll("columns") int cols,
      @ForAll boolean masked,
      @ForAll boolean asValues,
      @ForAll boolean dbl,
      @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    DataType type = dbl ? DataType.DOUBLE : DataType.FLOAT;
    Param p = new Param("w", Param.Kind.CONV_WEIGHT, Nd4j.zeros(type, rows, cols));
    INDArray mask = Nd4j.zeros(type, rows, cols);
    if (masked) {
      for (long i = 0; i < mask.length(); i++) {
        mask.putScalar(i, rng.nextBoolean() ? 1 : 0);
      }
      p.setMask(mask);
    }
    INDArray expected = Nd4j.zeros(type, rows, cols);
    for (int step = 0; step < 2; step++) {
      INDArray g = Tensors.gaussian(rng, 1, type, rows, cols);
      expected.addi(masked ? g.mul(mask) : g);
      if (asValues && !dbl) {
        p.accumulateGrad(g.data().asFloat());
      } else {
        p.accumulateGrad(g);
      }
    }
    assertThat(p.grad().equalsWithEps(expected, 1e-6)).as("accumulated").isTrue();
    p.zeroGrad();
    assertThat(p.grad().amaxNumber().doubleValue()).as("zeroed").isZero();
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Integer> columns() {
    return net.jqwik.api.Arbitraries.of(
        1, 7, 500); // up to 20,000 values: both sides of the Java route's limit
  }

  @Example
  void aGradientOfAnotherShapeIsRefused() {
    Param p = new Param("w", Param.Kind.CONV_WEIGHT, Nd4j.zeros(DataType.FLOAT, 2, 3));
    assertThatThrownBy(() -> p.accumulateGrad(Nd4j.ones(DataType.FLOAT, 3, 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[2, 3]")
        .hasMessageContaining("[3, 2]");
    assertThatThrownBy(() -> p.accumulateGrad(new float[5]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("6 values");
    assertThat(p.grad().amaxNumber().doubleValue()).isZero();
  }
}

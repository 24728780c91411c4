package dev.supertickets.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.internal.FloatUpdate;
import dev.supertickets.nn.Param;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Tensors;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The fused float updates of {@link AdamW} and {@link Sgd} against their ND4J routes, over several
 * steps (state carried) and across chunk borders: SGD's to the bit; AdamW's to a few ulps (libnd4j
 * rounds some of its scalar steps otherwise).
 */
class FloatUpdateProperties {

  @BeforeContainer
  static void backend() {
    Backend.init();
  }

  @Property(tries = 30)
  void adamWMatchesTheNd4jRoute(
      @ForAll @IntRange(min = 1, max = 9000) int n,
      @ForAll @DoubleRange(min = 0, max = 0.1) double weightDecay,
      @ForAll long seed) {
    AdamW fused = new AdamW(0.9, 0.999, 1e-3, weightDecay);
    AdamW reference = new AdamW(0.9, 0.999, 1e-3, weightDecay);
    Param a = param(n, seed);
    Param b = param(n, seed);
    INDArray m = zeros(n);
    INDArray v = zeros(n);
    SplittableRandom rng = new SplittableRandom(seed ^ 7);
    for (int t = 1; t <= 3; t++) {
      INDArray g = Tensors.gaussian(rng, 1, DataType.FLOAT, 1, n);
      a.grad().assign(g);
      b.grad().assign(g);
      fused.step(List.of(a), 0.01 * t);
      reference.updateNd4j(b, m, v, 0.01 * t, t);
    }
    assertClose(a.value(), b.value());
    assertClose(fused.state(a).get(0), m);
    assertClose(fused.state(a).get(1), v);
  }

  @Property(tries = 30)
  void sgdMatchesTheNd4jRoute(
      @ForAll @IntRange(min = 1, max = 9000) int n,
      @ForAll @DoubleRange(min = 0, max = 0.95) double momentum,
      @ForAll boolean nesterov,
      @ForAll long seed) {
    double mu = momentum < 0.05 ? 0 : momentum; // plain SGD, with no buffer, as well
    Sgd fused = new Sgd(mu, nesterov);
    Sgd reference = new Sgd(mu, nesterov);
    Param a = param(n, seed);
    Param b = param(n, seed);
    List<INDArray> state = mu == 0 ? List.of() : List.of(zeros(n));
    SplittableRandom rng = new SplittableRandom(seed ^ 11);
    for (int t = 1; t <= 3; t++) {
      INDArray g = Tensors.gaussian(rng, 1, DataType.FLOAT, 1, n);
      a.grad().assign(g);
      b.grad().assign(g);
      fused.step(List.of(a), 0.1 / t);
      reference.updateNd4j(b, state, 0.1 / t);
    }
    assertThat(a.value().data().asFloat()).containsExactly(b.value().data().asFloat());
    if (mu > 0) {
      assertThat(fused.state(a).get(0).data().asFloat())
          .containsExactly(state.get(0).data().asFloat());
    }
  }

  @Property(tries = 30)
  void averageAndAddScaledMatchTheNd4jOps(
      @ForAll @IntRange(min = 1, max = 9000) int n,
      @ForAll @DoubleRange(min = 0, max = 1) double d,
      @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    INDArray acc = Tensors.gaussian(rng, 1, DataType.FLOAT, 1, n);
    INDArray x = Tensors.gaussian(rng, 1, DataType.FLOAT, 1, n);
    INDArray average = acc.dup();
    FloatUpdate.average(average, x, d);
    assertClose(average, acc.mul(d).addi(x.mul(1 - d)));
    INDArray sum = acc.dup();
    FloatUpdate.addScaled(sum, x, (float) d);
    assertClose(sum, acc.add(x.mul(d)));
  }

  @Property(tries = 10)
  void aViewGetsTheSameNumbersAsADenseArray(
      @ForAll @IntRange(min = 2, max = 40) int rows,
      @ForAll @IntRange(min = 2, max = 40) int cols,
      @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    INDArray big = Tensors.gaussian(rng, 1, DataType.FLOAT, rows, cols + 1);
    INDArray view =
        big.get(
            org.nd4j.linalg.indexing.NDArrayIndex.all(),
            org.nd4j.linalg.indexing.NDArrayIndex.interval(
                1, cols + 1)); // strided: every row skips one column
    INDArray denseCopy = view.dup('c');
    INDArray untouched = big.getColumn(0).dup();
    INDArray g = Tensors.gaussian(rng, 1, DataType.FLOAT, rows, cols);
    INDArray m1 = Tensors.gaussian(rng, 1, DataType.FLOAT, rows, cols);
    INDArray v1 = Tensors.gaussian(rng, 1, DataType.FLOAT, rows, cols).muli(0).addi(0.5);
    INDArray m2 = m1.dup();
    INDArray v2 = v1.dup();
    FloatUpdate.adamW(view, g, m1, v1, 0.99f, 0.9f, 0.999f, 0.5f, 1e-3f, 0.01f);
    FloatUpdate.adamW(denseCopy, g, m2, v2, 0.99f, 0.9f, 0.999f, 0.5f, 1e-3f, 0.01f);
    assertThat(view.dup('c').data().asFloat()).containsExactly(denseCopy.data().asFloat());
    assertThat(m1.data().asFloat()).containsExactly(m2.data().asFloat());
    assertThat(big.getColumn(0).dup().data().asFloat()).containsExactly(untouched.data().asFloat());
  }

  private static void assertClose(INDArray actual, INDArray expected) {
    float[] x = actual.data().asFloat();
    float[] y = expected.data().asFloat();
    assertThat(x).hasSameSizeAs(y);
    for (int i = 0; i < x.length; i++) {
      assertThat(Math.abs(x[i] - y[i]))
          .as("entry %s: %s against %s", i, x[i], y[i])
          .isLessThanOrEqualTo(1e-6f * Math.max(1, Math.abs(y[i])));
    }
  }

  private static Param param(int n, long seed) {
    return new Param(
        "w",
        Param.Kind.LINEAR_WEIGHT,
        Tensors.gaussian(new SplittableRandom(seed), 1, DataType.FLOAT, 1, n));
  }

  private static INDArray zeros(int n) {
    return org.nd4j.linalg.factory.Nd4j.zeros(DataType.FLOAT, 1, n);
  }
}

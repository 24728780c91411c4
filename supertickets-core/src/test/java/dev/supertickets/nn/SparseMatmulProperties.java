package dev.supertickets.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Tensors;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The sparse product equals the dense GEMM (in double precision) for every shape and sparsity. */
class SparseMatmulProperties {
  @BeforeContainer
  static void backend() {
    Backend.init();
  }

  @Property(tries = 40)
  void equalsDenseProduct(@ForAll @IntRange(min = 1, max = 300) int m, @ForAll @IntRange(min = 1, max = 40) int in,
      @ForAll @IntRange(min = 1, max = 40) int out, @ForAll @DoubleRange(min = 0, max = 1) double sparsity,
      @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    INDArray w = Tensors.gaussian(rng, 1, DataType.FLOAT, in, out);
    long zeros = 0;
    for (int k = 0; k < in; k++) {
      for (int n = 0; n < out; n++) {
        if (rng.nextDouble() < sparsity) {
          w.putScalar(k, n, 0);
          zeros++;
        }
      }
    }
    INDArray x = Tensors.gaussian(rng, 1, DataType.FLOAT, m, in);
    SparseMatmul s = SparseMatmul.of(w);
    INDArray y = s.multiply(x);
    INDArray ref = Tensors.matmul(x.castTo(DataType.DOUBLE), w.castTo(DataType.DOUBLE), false, false);
    assertThat(y.shape()).containsExactly(m, out);
    assertThat(y.ordering()).isEqualTo('c');
    assertThat(s.nonZeros()).isEqualTo((long) in * out - zeros);
    double err = y.castTo(DataType.DOUBLE).sub(ref).amaxNumber().doubleValue();
    assertThat(err).as("m %s, %s x %s, sparsity %s", m, in, out, sparsity)
        .isLessThanOrEqualTo(1e-5 * Math.max(1, Math.sqrt(in)) * Math.max(1, ref.amaxNumber().doubleValue()));
  }

  @Example
  void bothRoutesMatchTheDenseProduct() {
    SplittableRandom rng = new SplittableRandom(5);
    INDArray x = Tensors.gaussian(rng, 1, DataType.FLOAT, 300, 30);
    x.putScalar(7, 3, 0); // a zero input, which the scatter route skips
    for (double keep : new double[] {1.0, 0.02}) {
      INDArray w = Tensors.gaussian(rng, 1, DataType.FLOAT, 30, 50);
      w.muli(Tensors.uniform(rng, 0, 1, DataType.FLOAT, 30, 50).lt(keep).castTo(DataType.FLOAT));
      SparseMatmul s = SparseMatmul.of(w);
      assertThat(s.toString()).contains(keep == 1.0 ? "tiled" : "row scatter");
      assertThat(s.multiply(x).sub(Tensors.matmul(x, w, false, false)).amaxNumber().doubleValue()).isLessThan(1e-4);
    }
  }

  @Example
  void readsViewsAndRejectsBadShapes() {
    SplittableRandom rng = new SplittableRandom(3);
    INDArray w = Tensors.gaussian(rng, 1, DataType.FLOAT, 5, 3);
    INDArray big = Tensors.gaussian(rng, 1, DataType.FLOAT, 7, 10);
    INDArray view = big.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
        org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 7));
    INDArray y = SparseMatmul.of(w).multiply(view);
    assertThat(y.sub(Tensors.matmul(view.dup('c'), w, false, false)).amaxNumber().doubleValue()).isLessThan(1e-5);
    assertThat(SparseMatmul.of(Nd4j.zeros(DataType.FLOAT, 4, 4)).sparsity()).isEqualTo(1.0);
    assertThatThrownBy(() -> SparseMatmul.of(w).multiply(Nd4j.zeros(DataType.FLOAT, 2, 4)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[m, 5]");
    assertThatThrownBy(() -> SparseMatmul.of(Nd4j.zeros(DataType.FLOAT, 2, 2, 2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[in, out]");
  }
}

package dev.supertickets.internal;

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

/**
 * The sparse product equals the dense GEMM (in double precision) for every shape, sparsity and
 * route.
 */
class SparseMatmulProperties {
  @BeforeContainer
  static void backend() {
    Backend.init();
  }

  @Property(tries = 60)
  void equalsDenseProduct(
      @ForAll @IntRange(min = 1, max = 1100) int m,
      @ForAll @IntRange(min = 1, max = 40) int in,
      @ForAll @IntRange(min = 1, max = 40) int out,
      @ForAll @DoubleRange(min = 0, max = 1) double sparsity,
      @ForAll @DoubleRange(min = 0, max = 0.6) double zeroInputs,
      @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    INDArray w = sparseWeight(rng, in, out, sparsity);
    long zeros = w.eq(0).castTo(DataType.INT32).sumNumber().longValue();
    INDArray x = Tensors.gaussian(rng, 1, DataType.FLOAT, m, in);
    // zero inputs, as after a ReLU
    x.muli(
        Tensors.uniform(rng, 0, 1, DataType.FLOAT, m, in).gte(zeroInputs).castTo(DataType.FLOAT));
    SparseMatmul s = SparseMatmul.of(w);
    assertThat(s.nonZeros()).isEqualTo((long) in * out - zeros);
    INDArray ref =
        Tensors.matmul(x.castTo(DataType.DOUBLE), w.castTo(DataType.DOUBLE), false, false);
    for (INDArray y : new INDArray[] {s.multiply(x), s.multiply(x, true), s.multiply(x, false)}) {
      assertThat(y.shape()).containsExactly(m, out);
      assertThat(y.ordering()).isEqualTo('c');
      assertClose(y, ref, in, String.format("m %s, %s x %s, sparsity %s", m, in, out, sparsity));
    }
  }

  /**
   * Tile edges (one row short of, at and past a multiple of 16 and of the tile), and widths past
   * eight inputs.
   */
  @Example
  void tileEdgesAndWideShapes() {
    SplittableRandom rng = new SplittableRandom(11);
    int[][] shapes = {{96, 192}, {17, 9}, {8, 16}, {130, 10}, {1024, 10}};
    int[] ms = {1, 3, 4, 5, 15, 16, 17, 511, 512, 513, 1025};
    for (int[] shape : shapes) {
      for (double sparsity : new double[] {0, 0.9, 0.99}) {
        INDArray w = sparseWeight(rng, shape[0], shape[1], sparsity);
        SparseMatmul s = SparseMatmul.of(w);
        for (int m : ms) {
          INDArray x = Tensors.gaussian(rng, 1, DataType.FLOAT, m, shape[0]);
          INDArray ref =
              Tensors.matmul(x.castTo(DataType.DOUBLE), w.castTo(DataType.DOUBLE), false, false);
          String what =
              String.format("m %s, %s x %s, sparsity %s", m, shape[0], shape[1], sparsity);
          assertClose(s.multiply(x, true), ref, shape[0], what + ", tiled");
          assertClose(s.multiply(x, false), ref, shape[0], what + ", by rows");
        }
      }
    }
  }

  @Example
  void zeroRowsAllZeroWeightsAndFullyDense() {
    SplittableRandom rng = new SplittableRandom(5);
    INDArray x = Tensors.gaussian(rng, 1, DataType.FLOAT, 600, 30);
    x.getRow(7).assign(0);
    x.getRow(599).assign(0);
    SparseMatmul zero = SparseMatmul.of(Nd4j.zeros(DataType.FLOAT, 30, 50));
    assertThat(zero.sparsity()).isEqualTo(1.0);
    assertThat(zero.toString()).contains("0 inputs used");
    for (boolean tiled : new boolean[] {true, false}) {
      INDArray y = zero.multiply(x, tiled);
      assertThat(y.amaxNumber().doubleValue())
          .as("all-zero weight, tiled %s", tiled)
          .isEqualTo(0.0);
      assertThat(Tensors.allFinite(y)).isTrue();
    }
    INDArray dense = Tensors.gaussian(rng, 1, DataType.FLOAT, 30, 50);
    SparseMatmul full = SparseMatmul.of(dense);
    assertThat(full.sparsity()).isEqualTo(0.0);
    INDArray ref =
        Tensors.matmul(x.castTo(DataType.DOUBLE), dense.castTo(DataType.DOUBLE), false, false);
    for (boolean tiled : new boolean[] {true, false}) {
      INDArray y = full.multiply(x, tiled);
      assertClose(y, ref, 30, "fully dense, tiled " + tiled);
      assertThat(y.getRow(7).amaxNumber().doubleValue()).isEqualTo(0.0);
      assertThat(y.getRow(599).amaxNumber().doubleValue()).isEqualTo(0.0);
    }
  }

  @Example
  void picksTheCheaperRoute() {
    SplittableRandom rng = new SplittableRandom(9);
    // a wide, very sparse linear layer: nothing worth transposing
    assertThat(SparseMatmul.of(sparseWeight(rng, 1024, 10, 0.95)).tiled(128)).isFalse();
    // the bench's 1x1 convolution at 90%: many rows, every input used
    assertThat(SparseMatmul.of(sparseWeight(rng, 96, 192, 0.9)).tiled(25088)).isTrue();
  }

  @Example
  void readsViewsAndRejectsBadShapes() {
    SplittableRandom rng = new SplittableRandom(3);
    INDArray w = Tensors.gaussian(rng, 1, DataType.FLOAT, 5, 3);
    INDArray big = Tensors.gaussian(rng, 1, DataType.FLOAT, 7, 10);
    INDArray view =
        big.get(
            org.nd4j.linalg.indexing.NDArrayIndex.all(),
            org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 7));
    INDArray y = SparseMatmul.of(w).multiply(view);
    assertThat(y.sub(Tensors.matmul(view.dup('c'), w, false, false)).amaxNumber().doubleValue())
        .isLessThan(1e-5);
    assertThatThrownBy(() -> SparseMatmul.of(w).multiply(Nd4j.zeros(DataType.FLOAT, 2, 4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[m, 5]");
    assertThatThrownBy(() -> SparseMatmul.of(w).multiply(Nd4j.zeros(DataType.DOUBLE, 2, 5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("castTo(FLOAT)");
    assertThatThrownBy(() -> SparseMatmul.of(Nd4j.zeros(DataType.FLOAT, 2, 2, 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[in, out]");
  }

  /**
   * A gaussian {@code [in, out]} weight with each entry zeroed with probability {@code sparsity}.
   */
  static INDArray sparseWeight(SplittableRandom rng, int in, int out, double sparsity) {
    INDArray w = Tensors.gaussian(rng, 1, DataType.FLOAT, in, out);
    return w.muli(
        Tensors.uniform(rng, 0, 1, DataType.FLOAT, in, out).gte(sparsity).castTo(DataType.FLOAT));
  }

  private static void assertClose(INDArray y, INDArray ref, int in, String what) {
    double err = y.castTo(DataType.DOUBLE).sub(ref).amaxNumber().doubleValue();
    assertThat(err)
        .as(what)
        .isLessThanOrEqualTo(
            1e-5 * Math.max(1, Math.sqrt(in)) * Math.max(1, ref.amaxNumber().doubleValue()));
  }
}

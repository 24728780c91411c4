package dev.supertickets.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link Tensors#matmul} through the direct BLAS call equals ND4J's own GEMM, for every transpose combination,
 * float and double, and operands that are row-range views into larger arrays (their buffers start mid-array).
 */
class CpuGemmProperties {
  @BeforeContainer
  static void backend() {
    Backend.init();
  }

  @Property(tries = 60)
  void equalsNd4jGemm(@ForAll @IntRange(min = 1, max = 70) int m, @ForAll @IntRange(min = 1, max = 40) int k,
      @ForAll @IntRange(min = 1, max = 50) int n, @ForAll boolean transA, @ForAll boolean transB,
      @ForAll boolean single, @ForAll @IntRange(min = 0, max = 3) int skip, @ForAll long seed) {
    DataType t = single ? DataType.FLOAT : DataType.DOUBLE;
    SplittableRandom rng = new SplittableRandom(seed);
    INDArray a = rowsOf(Tensors.gaussian(rng, 1, t, skip + (transA ? k : m), transA ? m : k), skip);
    INDArray b = rowsOf(Tensors.gaussian(rng, 1, t, skip + (transB ? n : k), transB ? k : n), skip);
    assertThat(CpuGemm.applies(a, b, Nd4j.create(t, m, n))).as("direct route taken").isTrue();
    INDArray expected = Nd4j.gemm(a.dup('c'), b.dup('c'), Nd4j.create(t, m, n), transA, transB, 1.0, 0.0);
    INDArray actual = Tensors.matmul(a, b, transA, transB);
    assertThat(actual.shape()).isEqualTo(new long[] {m, n});
    double tol = single ? 1e-4 : 1e-12;
    assertThat(actual.sub(expected).amaxNumber().doubleValue()).isLessThanOrEqualTo(tol * Math.max(1, k));
  }

  private static INDArray rowsOf(INDArray full, int skip) {
    return full.get(NDArrayIndex.interval(skip, full.size(0)), NDArrayIndex.all());
  }
}

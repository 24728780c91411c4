package dev.supertickets.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The buffer scan finds NaN and infinity in float, double and view arrays, and only within the
 * view.
 */
class AllFiniteTest {
  @BeforeAll
  static void init() {
    Backend.init();
  }

  @Test
  void findsNanAndInfinityInEveryLayout() {
    for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE, DataType.HALF}) {
      INDArray a = Nd4j.linspace(1, 24, 24).castTo(t).reshape(4, 6);
      assertThat(Tensors.allFinite(a)).as("%s", t).isTrue();
      a.putScalar(3, 5, Double.NaN);
      assertThat(Tensors.allFinite(a)).as("%s NaN", t).isFalse();
      a.putScalar(3, 5, Double.NEGATIVE_INFINITY);
      assertThat(Tensors.allFinite(a)).as("%s -inf", t).isFalse();
    }
  }

  @Test
  void aViewIsJudgedByItsOwnElementsOnly() {
    INDArray a = Nd4j.linspace(1, 24, 24).castTo(DataType.FLOAT).reshape(4, 6);
    a.putScalar(0, 0, Float.POSITIVE_INFINITY);
    INDArray rows = a.get(NDArrayIndex.interval(1, 4), NDArrayIndex.all());
    INDArray column = a.get(NDArrayIndex.all(), NDArrayIndex.point(2));
    assertThat(Tensors.allFinite(rows)).isTrue();
    assertThat(Tensors.allFinite(column)).isTrue();
    assertThat(Tensors.allFinite(a.get(NDArrayIndex.all(), NDArrayIndex.point(0)))).isFalse();
  }
}

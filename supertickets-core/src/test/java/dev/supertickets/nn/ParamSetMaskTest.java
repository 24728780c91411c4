package dev.supertickets.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.tensor.Backend;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link Param#setMask} copies the mask it is given, whatever its data type. */
class ParamSetMaskTest {
  @Test
  void laterMaskUpdatesLeaveTheCallersArrayAlone() {
    Backend.init();
    Param p = new Param("w", Param.Kind.CONV_WEIGHT, Nd4j.ones(DataType.FLOAT, 2, 2));
    INDArray given = Nd4j.createFromArray(new float[][] {{1, 0}, {1, 1}});
    p.setMask(given);
    // a ticket's state restored into a network, then re-pruned in place: the state must not change
    p.setMask(Nd4j.zeros(DataType.FLOAT, 2, 2));
    assertThat(given.data().asFloat()).containsExactly(1f, 0f, 1f, 1f);
    assertThat(p.mask().data().asFloat()).containsExactly(0f, 0f, 0f, 0f);
  }
}

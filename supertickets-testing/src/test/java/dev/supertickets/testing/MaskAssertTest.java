package dev.supertickets.testing;

import static dev.supertickets.testing.TicketAssertions.assertThat;
import static dev.supertickets.testing.TicketAssertions.assertThatMask;
import static dev.supertickets.testing.TicketAssertions.assertThatMasks;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.mask.MaskSet;
import dev.supertickets.nn.Param;
import dev.supertickets.tensor.Backend;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Mask assertions pass on good masks and fail with counts on bad ones. */
class MaskAssertTest {
  @BeforeAll
  static void backend() {
    Backend.init();
  }

  /** A float mask of {@code n} entries whose first {@code zeros} are 0. */
  private static INDArray mask(int n, int zeros) {
    float[] m = new float[n];
    Arrays.fill(m, zeros, n, 1f);
    return Nd4j.create(m, new long[] {n}, 'c');
  }

  @Test
  void binaryMasksPassAndOtherValuesFailWithTheirPlace() {
    assertThatMask(mask(10, 3)).isBinary();
    INDArray bad = Nd4j.create(new float[] {0, 1, 0.5f, 1, -1}, new long[] {5}, 'c');
    assertThatThrownBy(() -> assertThatMask(bad).isBinary())
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "expected binary masks (every entry exactly 0 or 1) but 2 entries are not: mask holds"
                + " 0.5 at flat index 2; mask holds -1 at flat index 4");
  }

  @Test
  void exactCountsFollowTheLibrarysFloorRule() {
    // 0.29 · 100 is 28.999999999999996 in doubles; the library prunes 29
    assertThatMask(mask(100, 29))
        .hasExactSparsity(0.29)
        .hasPrunedCount(29)
        .hasSparsity(0.29, 1e-12)
        .hasSparsityAtLeast(0.29);
    assertThatThrownBy(() -> assertThatMask(mask(100, 28)).hasExactSparsity(0.29))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "expected sparsity exactly 0.29, i.e. floor(0.29 · 100) = 29 pruned entries, but found"
                + " 28 (sparsity 0.28)");
    assertThatThrownBy(() -> assertThatMask(mask(100, 28)).hasPrunedCount(29))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "expected exactly 29 pruned entries but found 28 (28 of 100 entries pruned in 1"
                + " masks)");
    assertThatThrownBy(() -> assertThatMask(mask(100, 28)).hasSparsity(0.5, 0.1))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "expected sparsity 0.5 ± 0.1 but was 0.28 (28 of 100 entries pruned in 1 masks)");
    assertThatThrownBy(() -> assertThatMask(mask(100, 28)).hasSparsityAtLeast(0.9))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("expected sparsity at least 0.9 but was 0.28");
  }

  @Test
  void computedMasksAndSnapshotsAreCheckedTensorByTensor() {
    Param a = new Param("a.weight", Param.Kind.CONV_WEIGHT, Nd4j.zeros(DataType.FLOAT, 4));
    Param b = new Param("b.weight", Param.Kind.CONV_WEIGHT, Nd4j.zeros(DataType.FLOAT, 6));
    ImmutableMap<Param, INDArray> good = ImmutableMap.of(a, mask(4, 2), b, mask(6, 3));
    assertThatMasks(good)
        .keepsWeightsInEveryTensor()
        .hasExactSparsity(0.5)
        .hasMasksFor("b.weight", "a.weight");
    assertThat(MaskSet.of(good)).isBinary().hasPrunedCount(5).keepsWeightsInEveryTensor();
    ImmutableMap<Param, INDArray> collapsed = ImmutableMap.of(a, mask(4, 4), b, mask(6, 1));
    assertThatThrownBy(() -> assertThatMasks(collapsed).keepsWeightsInEveryTensor())
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "expected every mask to keep at least one weight but 1 of 2 prune everything: a.weight "
                + "(4 entries)");
    assertThatThrownBy(() -> assertThat(MaskSet.of(good)).hasMasksFor("a.weight"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "expected masks for exactly [a.weight] but there are masks for [a.weight, b.weight]");
  }
}

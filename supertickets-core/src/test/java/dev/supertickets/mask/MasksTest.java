package dev.supertickets.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.nn.Param;
import dev.supertickets.tensor.Backend;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Installing, counting and snapshotting masks. */
class MasksTest {
  @BeforeAll
  static void backend() {
    Backend.init();
  }

  @Test
  void installedMasksAreCountedOverallAndPerTensor() {
    List<Param> params = Fixtures.randomParams(List.of(new long[] {4, 5}, new long[] {2, 2, 2}), 3);
    ImmutableMap<Param, INDArray> masks =
        MaskPolicies.magnitude()
            .scope(Scope.PER_LAYER)
            .masks(MaskContext.of(new Fixtures.Holder(params)), 0.5);
    assertThat(params.get(0).mask()).isNull(); // computing installs nothing
    assertThat(Masks.sparsityOf(masks)).isEqualTo(14.0 / 28);
    Masks.install(masks);
    assertThat(Masks.prunedCount(params)).isEqualTo(14);
    assertThat(Masks.sparsity(params)).isEqualTo(0.5);
    assertThat(Masks.sparsityByName(params))
        .containsExactly(java.util.Map.entry("w0", 0.5), java.util.Map.entry("w1", 0.5));
    Masks.clear(params);
    assertThat(Masks.sparsity(params)).isZero();
  }

  @Test
  void maskSetsAreValuesThatReinstallByName() {
    List<Param> params = Fixtures.randomParams(List.of(new long[] {3, 3}, new long[] {7}), 5);
    SplittableRandom rng = new SplittableRandom(2);
    params.get(0).setMask(Fixtures.randomMask(params.get(0), 0.4, rng));
    MaskSet captured = MaskSet.capture(params);
    assertThat(captured.names()).containsExactly("w0", "w1");
    assertThat(captured.prunedCount("w0")).isEqualTo(3);
    assertThat(captured.prunedCount("w1")).isZero(); // dense counts as all ones
    assertThat(captured.sparsity()).isCloseTo(3.0 / 16, within(1e-15));
    INDArray before = params.get(0).mask().dup();

    List<Param> copy = Fixtures.randomParams(List.of(new long[] {3, 3}, new long[] {7}), 9);
    captured.installOn(copy);
    assertThat(MaskSet.capture(copy)).isEqualTo(captured).hasSameHashCodeAs(captured);
    assertThat(Fixtures.doubles(copy.get(0).mask())).containsExactly(Fixtures.doubles(before));

    params.get(0).mask().putScalar(0, 1 - params.get(0).mask().getDouble(0));
    assertThat(MaskSet.capture(params)).isNotEqualTo(captured);
  }

  @Test
  void installingOnAnotherArchitectureFailsWithTheNameAndShapes() {
    List<Param> params = Fixtures.randomParams(List.of(new long[] {3, 3}), 5);
    MaskSet set = MaskSet.capture(params);
    assertThatThrownBy(() -> set.installOn(Fixtures.randomParams(List.of(new long[] {3, 4}), 5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mask of w0 has shape [3, 3] but the parameter has shape [3, 4]");
    assertThatThrownBy(() -> set.mask("conv9.weight"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mask set has no mask for conv9.weight");
  }
}

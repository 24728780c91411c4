package dev.supertickets.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.nn.Activation;
import dev.supertickets.nn.BatchNorm;
import dev.supertickets.nn.Conv2d;
import dev.supertickets.nn.Flatten;
import dev.supertickets.nn.Linear;
import dev.supertickets.nn.Param;
import dev.supertickets.nn.Sequential;
import dev.supertickets.tensor.Backend;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class SelectorTest {
  private static Sequential model;

  @BeforeAll
  static void build() {
    Backend.init();
    SplittableRandom rng = new SplittableRandom(1);
    model =
        Sequential.of(
            Conv2d.builder("conv1", 1, 2, 3).bias(true).init(rng).build(),
            new BatchNorm("bn1", 2, 0.1, 1e-5, DataType.FLOAT),
            Activation.relu(),
            Conv2d.builder("block0.dw", 2, 2, 3).depthwise().init(rng).build(),
            new Flatten(),
            new Linear("hidden", 2 * 4 * 4, 4, rng, DataType.FLOAT),
            new Linear("classifier", 4, 3, rng, DataType.FLOAT));
  }

  private static List<String> names(List<Param> params) {
    return params.stream().map(Param::name).toList();
  }

  @Test
  void theDefaultSelectsConvAndLinearWeightsButNotTheClassifierBiasesOrBatchNorm() {
    assertThat(names(Selector.prunableWeights().select(model)))
        .containsExactly("conv1.weight", "block0.dw.weight", "hidden.weight");
    assertThat(names(MaskContext.of(model).params()))
        .containsExactly("conv1.weight", "block0.dw.weight", "hidden.weight");
    assertThat(names(Selector.weights().select(model))).contains("classifier.weight");
  }

  @Test
  void aSelectorThatMatchesNothingNamesItselfAndListsAvailableParameters() {
    Selector nothing = Selector.nameGlob("encoder.*");
    assertThatThrownBy(() -> nothing.select(model))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("selector nameGlob(\"encoder.*\") matched none of the 9 parameters")
        .hasMessageContaining("conv1.weight (CONV_WEIGHT, [3, 3, 1, 2])")
        .hasMessageContaining("bn1.gamma");
    assertThatThrownBy(
            () ->
                MaskContext.builder(model)
                    .selector(Selector.kinds(Param.Kind.BN_SCALE).and(Selector.namePrefix("conv")))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(kinds([BN_SCALE]) and namePrefix(\"conv\"))");
  }

  @Test
  void selectorsByKindNameGlobRegexAndPredicateCombine() {
    assertThat(names(Selector.kinds(Param.Kind.BN_SCALE, Param.Kind.BN_SHIFT).select(model)))
        .containsExactly("bn1.gamma", "bn1.beta");
    assertThat(
            names(
                Selector.nameGlob("*.weight").except(Selector.nameGlob("block?.*")).select(model)))
        .containsExactly("conv1.weight", "hidden.weight", "classifier.weight");
    assertThat(names(Selector.nameRegex("conv\\d\\.(weight|bias)").select(model)))
        .containsExactly("conv1.weight", "conv1.bias");
    assertThat(
            names(
                Selector.where("large", p -> p.size() > 20).and(Selector.weights()).select(model)))
        .containsExactly("hidden.weight");
    assertThat(
            names(
                Selector.names("hidden.weight")
                    .or(Selector.namePrefix("classifier"))
                    .select(model)))
        .containsExactly("hidden.weight", "classifier.weight", "classifier.bias");
    assertThat(names(Selector.prunableWeights().negate().and(Selector.weights()).select(model)))
        .containsExactly("classifier.weight");
    assertThat(Selector.prunableWeights().except(Selector.namePrefix("hidden")).toString())
        .isEqualTo("prunableWeights().except(namePrefix(\"hidden\"))");
  }

  @Test
  void badPatternsAreRejectedWithTheReason() {
    assertThatThrownBy(() -> Selector.nameRegex("conv("))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name regex \"conv(\" is not a valid Java regular expression");
    assertThatThrownBy(() -> Selector.nameGlob(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name glob must not be empty");
  }
}

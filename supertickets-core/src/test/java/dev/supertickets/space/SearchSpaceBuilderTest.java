package dev.supertickets.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The builder's validation: every refusal names the value, the rule and the fix. */
class SearchSpaceBuilderTest {
  private static SearchSpace.Builder valid() {
    return SearchSpace.builder()
        .name("t")
        .input(1, 28, 28)
        .stemLayer(8, 3, 2)
        .stage(List.of(1), List.of(8))
        .stage(List.of(1, 1), List.of(8, 16))
        .kernelSizes(3, 5)
        .expandRatio(2)
        .classificationHead(List.of(8, 16), 32, 0.1, 10);
  }

  @Test
  void buildsWithDefaults() {
    SearchSpace s =
        SearchSpace.builder().input(3, 8, 8).stage(List.of(0), List.of(4)).denseHead(4, 2).build();
    assertThat(s.name()).isEqualTo("custom");
    assertThat(s.block()).isEqualTo(BlockSpec.DEFAULT);
    assertThat(s.batchNorm()).isEqualTo(BatchNormSpec.DEFAULT);
    assertThat(s.stem()).isEmpty();
    assertThat(s.inputStride()).isEqualTo(1);
    assertThat(s.blocks())
        .extracting(SearchableBlock::name)
        .containsExactly("stage0.fuse.b0.from0", "transform");
    assertThat(s.blocks().get(0).inp()).isEqualTo(3); // no stem: stage 0 reads the image
  }

  @Test
  void requiresInputBodyAndHead() {
    assertThatThrownBy(() -> valid().clearBody().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs a body")
        .hasMessageContaining("stage(blocks, channels)")
        .hasMessageContaining("chainStage(outChannels, blocks, stride)");
    assertThatThrownBy(
            () -> SearchSpace.builder().stage(List.of(1), List.of(4)).denseHead(4, 2).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("input(channels, height, width)");
    assertThatThrownBy(
            () -> SearchSpace.builder().input(1, 4, 4).stage(List.of(1), List.of(4)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("classificationHead(")
        .hasMessageContaining("denseHead(");
  }

  @Test
  void refusesMixingStagesAndChain() {
    assertThatThrownBy(() -> valid().chainStage(8, 1, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clearBody()");
    assertThatThrownBy(
            () -> SearchSpace.builder().chainStage(8, 1, 1).stage(List.of(1), List.of(4)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clearBody()");
    SearchSpace chain =
        valid().clearBody().chainStage(8, 2, 2).classificationHead(List.of(), 16, 0, 3).build();
    assertThat(chain.isChain()).isTrue();
  }

  @Test
  void refusesStagesThatDropBranches() {
    assertThatThrownBy(() -> valid().stage(List.of(1), List.of(8)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stage 2 has 1 branches but stage 1 has 2")
        .hasMessageContaining("never drop them: give stage 2 at least 2 branches");
  }

  @Test
  void refusesHeadChannelsThatDoNotMatchTheBranches() {
    assertThatThrownBy(() -> valid().classificationHead(List.of(8, 16, 32), 32, 0, 10).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 head channels [8, 16, 32] but the last stage has 2 branches")
        .hasMessageContaining("one head channel count per branch, or none");
  }

  @Test
  void refusesAnExpandRatioThatLeavesNoHiddenChannel() {
    assertThatThrownBy(() -> valid().stage(List.of(1, 1), List.of(1, 1)).expandRatio(0.4).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("block stage2.branch0.block0 has 1 input channels")
        .hasMessageContaining("expand ratio 0.4 gives round(0.4) = 0 hidden channels");
  }

  @Test
  void refusesBadComponentsAtOnce() {
    assertThatThrownBy(() -> valid().kernelSizes(3, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("odd")
        .hasMessageContaining("got 4 in [3, 4]");
    assertThatThrownBy(() -> valid().kernelSizes(3, 3)).hasMessageContaining("distinct");
    assertThatThrownBy(() -> valid().kernelSizes())
        .hasMessageContaining("at least one kernel size");
    assertThatThrownBy(() -> valid().expandRatio(0))
        .hasMessageContaining("expand ratio must be in (0, 64.0]");
    assertThatThrownBy(() -> valid().expandRatio(Double.NaN)).hasMessageContaining("expand ratio");
    assertThatThrownBy(() -> valid().name(" ")).hasMessageContaining("must not be blank");
    assertThatThrownBy(() -> valid().input(0, 28, 28))
        .hasMessageContaining("input channels must be at least 1, got 0");
    assertThatThrownBy(() -> valid().input(1, 28, 0)).hasMessageContaining("got 28x0");
    assertThatThrownBy(() -> valid().input(1, 1 << 20, 4)).hasMessageContaining("at most 16384");
    assertThatThrownBy(() -> valid().stemLayer(8, 2, 1))
        .hasMessageContaining("stem kernel size must be odd");
    assertThatThrownBy(() -> valid().stemLayer(8, 3, 0))
        .hasMessageContaining("stem stride must be at least 1");
    assertThatThrownBy(() -> valid().stage(List.of(1, 1), List.of(8)))
        .hasMessageContaining(
            "one block count per branch: got block counts [1, 1] for channels [8]; give both lists"
                + " the same length");
    assertThatThrownBy(() -> valid().stage(List.of(), List.of()))
        .hasMessageContaining("at least one branch");
    assertThatThrownBy(() -> valid().stage(List.of(-1), List.of(8)))
        .hasMessageContaining("block count of branch 0 must be in [0, 256], got -1");
    assertThatThrownBy(() -> valid().stage(List.of(1), List.of(0)))
        .hasMessageContaining("channels of branch 0 must be in [1, 65536], got 0");
    assertThatThrownBy(() -> new ChainStage(8, 0, 1))
        .hasMessageContaining("1 to 256 blocks, got 0");
    assertThatThrownBy(() -> valid().classificationHead(List.of(), 32, 1.0, 10))
        .hasMessageContaining("dropout must be in [0, 1), got 1.0");
    assertThatThrownBy(() -> valid().classificationHead(List.of(), 32, 0, 0))
        .hasMessageContaining("number of classes must be in [1, 65536], got 0");
    assertThatThrownBy(() -> valid().denseHead(0, 3))
        .hasMessageContaining("transform output channels");
    assertThatThrownBy(() -> valid().batchNorm(0, 1e-3))
        .hasMessageContaining("momentum must be in (0, 1]");
    assertThatThrownBy(() -> valid().batchNorm(0.1, 0))
        .hasMessageContaining("epsilon must be positive");
    assertThatThrownBy(() -> valid().block(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void unknownBlockNamesAreRefusedWithAnExample() {
    SearchSpace s = valid().build();
    assertThatThrownBy(() -> s.block("stage9.branch0.block0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("search space t has no block named stage9.branch0.block0")
        .hasMessageContaining("stage0.fuse.b0.from0");
  }

  @Test
  void settersReplaceAndToBuilderCopies() {
    SearchSpace a = valid().build();
    SearchSpace b = a.toBuilder().name("other").build();
    assertThat(b).isNotEqualTo(a);
    assertThat(b.toBuilder().name("t").build()).isEqualTo(a).hasSameHashCodeAs(a);
    SearchSpace c = a.toBuilder().stem(List.of(new StemLayer(4, 3, 1))).build();
    assertThat(c.stem()).containsExactly(new StemLayer(4, 3, 1));
    assertThat(c.inputStride()).isEqualTo(1);
    assertThat(a.withInputSize(56, 56).input()).isEqualTo(new InputSpec(1, 56, 56));
    assertThat(a.withInputSize(56, 56).cost().macs()).isGreaterThan(a.cost().macs());
  }

  @Test
  void halfwayHiddenChannelsRoundToEvenLikePython() {
    BlockSpec spec = BlockSpec.of(List.of(3), 2.5, ActivationKind.RELU6);
    assertThat(spec.hiddenChannels(1)).isEqualTo(2); // round(2.5) == 2
    assertThat(spec.hiddenChannels(3)).isEqualTo(8); // round(7.5) == 8
    assertThat(spec.hiddenChannels(4)).isEqualTo(10);
    assertThat(BlockSpec.DEFAULT.hiddenChannels(18)).isEqualTo(72);
  }

  @Test
  void residualIsIdentityOnlyForSameShapeStrideOne() {
    SearchSpace s = valid().build();
    SearchableBlock fuse = s.block("stage0.fuse.b0.from0");
    assertThat(fuse.hasIdentityResidual()).isTrue();
    assertThat(fuse.residualWeights()).isZero();
    SearchableBlock grow = s.block("stage1.fuse.b1.new");
    assertThat(grow.inp()).isEqualTo(8);
    assertThat(grow.oup()).isEqualTo(16);
    assertThat(grow.residualGroups()).isEqualTo(8);
    assertThat(grow.residualWeights()).isEqualTo(16);
    assertThat(grow.prunableTensors()).isEqualTo(3 * 2 + 1);
  }

  @Test
  void activationLivesOnTheBlockSpecAndNamesRoundTrip() {
    SearchSpace s = valid().activation(ActivationKind.RELU6).build();
    assertThat(s.activation()).isEqualTo(ActivationKind.RELU6);
    for (ActivationKind k : ActivationKind.values()) {
      assertThat(ActivationKind.fromJsonName(k.jsonName())).isEqualTo(k);
    }
    assertThatThrownBy(() -> ActivationKind.fromJsonName("swish"))
        .hasMessageContaining("use \"relu\" or \"relu6\"");
  }
}

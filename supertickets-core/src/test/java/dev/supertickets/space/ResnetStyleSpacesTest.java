package dev.supertickets.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.space.SearchableBlock.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins the ResNet-style family's sizes (the numbers in the javadoc), its layout and its depth rule.
 */
class ResnetStyleSpacesTest {
  @Test
  void resnet20PinsItsCostAndLayout() {
    SearchSpace s = SearchSpaces.resnetStyle28(20);
    assertThat(s).isEqualTo(SearchSpaces.resnetStyle28(20, 16));
    assertThat(s.name()).isEqualTo("resnet20s28-w16");
    assertCost(s, 4_285_984L, 33_434L, 1_984L, 9, 288L);
    assertThat(s.isChain()).isTrue();
    assertThat(s.input()).isEqualTo(new InputSpec(1, 28, 28));
    assertThat(s.stem()).containsExactly(new StemLayer(16, 3, 1));
    assertThat(s.chain())
        .containsExactly(
            new ChainStage(16, 3, 1), new ChainStage(32, 3, 2), new ChainStage(64, 3, 2));
    assertThat(s.block().kernelSizes()).containsExactly(3);
    assertThat(s.block().expandRatio()).isEqualTo(1.0);
    assertThat(s.head()).isEqualTo(ClassificationHead.of(List.of(), 64, 0.0, 10));
    assertThat(s.blocks()).allSatisfy(b -> assertThat(b.role()).isEqualTo(Role.CHAIN));
    assertThat(s.blocks().stream().map(SearchableBlock::stride).toList())
        .containsExactly(1, 1, 1, 2, 1, 1, 2, 1, 1);
    assertThat(s.blocks().stream().filter(SearchableBlock::hasIdentityResidual).count())
        .isEqualTo(7);
    assertThat(s.layout().stageResolutions())
        .extracting(r -> r.get(0))
        .containsExactly(new Resolution(28, 28), new Resolution(14, 14), new Resolution(7, 7));
    assertThat(SearchSpace.fromJson(s.toJson())).isEqualTo(s);
  }

  @Test
  void theDepthFamilyPinsItsCosts() {
    assertCost(SearchSpaces.resnetStyle28(14), 2_884_192L, 21_674L, 1_312L, 6, 176L);
    assertCost(SearchSpaces.resnetStyle28(32), 7_089_568L, 56_954L, 3_328L, 15, 512L);
    assertCost(SearchSpaces.resnetStyle28(44), 9_893_152L, 80_474L, 4_672L, 21, 736L);
    assertCost(SearchSpaces.resnetStyle28(56), 12_696_736L, 103_994L, 6_016L, 27, 960L);
    assertCost(SearchSpaces.resnetStyle28(8, 4), 144_808L, 902L, 160L, 3, 16L);
    assertCost(SearchSpaces.resnetStyle32(20, 16), 5_892_736L, 33_722L, 1_984L, 9, 288L);
    assertCost(SearchSpaces.resnetStyle32(56, 16), 16_878_208L, 104_282L, 6_016L, 27, 960L);
    assertThat(SearchSpaces.resnetStyle32(20, 16).name()).isEqualTo("resnet20s32-w16");
    assertThat(SearchSpaces.resnetStyle32(20, 16).input()).isEqualTo(new InputSpec(3, 32, 32));
  }

  @Test
  void membersDifferOnlyInBlockCounts() {
    SearchSpace r20 = SearchSpaces.resnetStyle28(20, 8);
    SearchSpace r56 = SearchSpaces.resnetStyle28(56, 8);
    assertThat(r56.stem()).isEqualTo(r20.stem());
    assertThat(r56.block()).isEqualTo(r20.block());
    assertThat(r56.head()).isEqualTo(r20.head());
    assertThat(r56.chain()).extracting(ChainStage::blocks).containsExactly(9, 9, 9);
    assertThat(r56.chain()).extracting(ChainStage::outChannels).containsExactly(8, 16, 32);
    // every extra block is an identity-residual copy of the stage's second block
    assertThat(r56.cost().params() - r20.cost().params())
        .isEqualTo(
            6
                * (r20.block("stage0.block1").params()
                    + r20.block("stage1.block1").params()
                    + r20.block("stage2.block1").params()));
  }

  @Test
  void depthsOtherThan6nPlus2AreRefusedNamingTheRule() {
    for (int depth : new int[] {2, 7, 18, 21, 0, -4}) {
      assertThatThrownBy(() -> SearchSpaces.resnetStyle28(depth))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("6n + 2")
          .hasMessageContaining("got " + depth);
    }
    assertThatThrownBy(() -> SearchSpaces.resnetStyle32(20, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("base width")
        .hasMessageContaining("got 0");
    assertThat(SearchSpaces.resnetStyle28(110, 2).chain())
        .extracting(ChainStage::blocks)
        .containsExactly(18, 18, 18);
  }

  private static void assertCost(
      SearchSpace s, long macs, long params, long bn, int blocks, long hidden) {
    SupernetCost c = s.cost();
    assertThat(c.macs()).as("MACs of %s", s.name()).isEqualTo(macs);
    assertThat(c.params()).as("params of %s", s.name()).isEqualTo(params);
    assertThat(c.batchNormParams()).as("BN params of %s", s.name()).isEqualTo(bn);
    assertThat(c.blocks()).as("blocks of %s", s.name()).isEqualTo(blocks);
    assertThat(c.paths()).as("paths of %s", s.name()).isEqualTo(blocks);
    assertThat(c.hiddenChannels()).as("hidden channels of %s", s.name()).isEqualTo(hidden);
  }
}

package dev.supertickets.space;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.space.SearchableBlock.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins the presets' sizes (the numbers in their javadoc) and the properties the examples rely on.
 */
class SearchSpacesTest {
  @Test
  void tiny28() {
    SearchSpace s = SearchSpaces.tiny28();
    assertCost(s, 802_744L, 7_706L, 1_056L, 9, 18, 208L);
    assertThat(s.input()).isEqualTo(new InputSpec(1, 28, 28));
    assertThat(s.layout().finalResolutions())
        .containsExactly(new Resolution(14, 14), new Resolution(7, 7));
    assertThat(s.block().kernelSizes()).containsExactly(3, 5);
    assertThat(s.head().numClasses()).isEqualTo(10);
    assertThat(s.cost().macs()).isLessThan(1_000_000L);
  }

  @Test
  void reference28IsTheOfficialFashionMnistSupernet() {
    SearchSpace s = SearchSpaces.reference28();
    SupernetCost c = s.cost();
    // the official profiler's numbers for its Fashion-MNIST run (official-code-fashion-mnist.md §2)
    assertThat(c.macs()).isEqualTo(6_189_344L);
    assertThat(c.params()).isEqualTo(226_650L);
    assertThat(c.blocks()).isEqualTo(9);
    assertThat(c.paths()).isEqualTo(27);
    assertThat(c.hiddenChannels()).isEqualTo(2_304L);
    assertThat(Math.round(c.minPenalty() * 1000) / 1000.0).isEqualTo(0.466);
    assertThat(Math.round(c.maxPenalty() * 1000) / 1000.0).isEqualTo(1.895);
    assertThat(s.inputStride()).isEqualTo(4);
    assertThat(s.layout().finalResolutions())
        .containsExactly(new Resolution(7, 7), new Resolution(4, 4));
    assertThat(s.block()).isEqualTo(BlockSpec.DEFAULT);
    assertThat(s.batchNorm()).isEqualTo(BatchNormSpec.DEFAULT);
  }

  @Test
  void default28() {
    SearchSpace s = SearchSpaces.default28();
    assertCost(s, 15_753_336L, 340_378L, 13_688L, 20, 60, 2_880L);
    assertThat(s.cost().macs()).isBetween(5_000_000L, 20_000_000L);
    assertThat(s.inputStride()).isEqualTo(2);
    assertThat(s.layout().finalResolutions())
        .containsExactly(new Resolution(14, 14), new Resolution(7, 7), new Resolution(4, 4))
        .allSatisfy(r -> assertThat(r.height()).isGreaterThanOrEqualTo(3));
    assertThat(s.block().kernelSizes()).containsExactly(3, 5, 7);
    // with one more stage, an odd-sized branch is fused upwards: 4x4 upsampled to 8x8, resized to
    // 7x7
    SearchSpace deeper = s.toBuilder().stage(List.of(1, 1, 1), List.of(12, 24, 48)).build();
    SearchableBlock up = deeper.block("stage3.fuse.b1.from2");
    assertThat(up.outputResolution()).isEqualTo(new Resolution(4, 4));
    assertThat(up.upsample()).isEqualTo(2);
    assertThat(deeper.describe()).contains("+ B(X3_2) upsampled resized to 7x7)");
  }

  @Test
  void cifar32() {
    SearchSpace s = SearchSpaces.cifar32();
    assertCost(s, 90_438_272L, 1_563_138L, 46_684L, 25, 75, 10_800L);
    assertThat(s.input()).isEqualTo(new InputSpec(3, 32, 32));
    assertThat(s.layout().finalResolutions())
        .containsExactly(new Resolution(16, 16), new Resolution(8, 8), new Resolution(4, 4));
  }

  @Test
  void imagenet224() {
    assertCost(SearchSpaces.imagenet224(), 2_422_799_760L, 13_039_360L, 204_508L, 67, 201, 47_952L);
  }

  @Test
  void mobileNetV2Chain28() {
    SearchSpace s = SearchSpaces.mobileNetV2Chain28();
    assertCost(s, 18_846_648L, 223_738L, 8_544L, 7, 21, 1_872L);
    assertThat(s.isChain()).isTrue();
    assertThat(s.blocks()).allSatisfy(b -> assertThat(b.role()).isEqualTo(Role.CHAIN));
    assertThat(s.blocks().stream().map(SearchableBlock::name).toList())
        .containsExactly(
            "stage0.block0",
            "stage1.block0",
            "stage1.block1",
            "stage2.block0",
            "stage2.block1",
            "stage3.block0",
            "stage3.block1");
    assertThat(s.blocks().stream().map(SearchableBlock::stride).toList())
        .containsExactly(1, 2, 1, 2, 1, 2, 1);
    assertThat(s.blocks().get(0).hasIdentityResidual()).isTrue();
    assertThat(s.layout().headResolution()).isEqualTo(new Resolution(4, 4));
    assertThat(s.blocks()).allSatisfy(b -> assertThat(b.referenceName()).isEmpty());
  }

  @Test
  void presetsAreStableAndDistinct() {
    List<SearchSpace> all =
        List.of(
            SearchSpaces.tiny28(),
            SearchSpaces.default28(),
            SearchSpaces.cifar32(),
            SearchSpaces.imagenet224(),
            SearchSpaces.mobileNetV2Chain28());
    assertThat(all).extracting(SearchSpace::name).doesNotHaveDuplicates();
    assertThat(SearchSpaces.default28()).isEqualTo(SearchSpaces.default28());
    for (SearchSpace s : all) {
      assertThat(SearchSpace.fromJson(s.toJson())).isEqualTo(s);
      assertThat(s.describe()).contains(s.blocks().get(0).name()).contains(s.name());
    }
  }

  private static void assertCost(
      SearchSpace s, long macs, long params, long bn, int blocks, int paths, long hidden) {
    SupernetCost c = s.cost();
    assertThat(c.macs()).as("MACs of %s", s.name()).isEqualTo(macs);
    assertThat(c.params()).as("params of %s", s.name()).isEqualTo(params);
    assertThat(c.batchNormParams()).as("BN params of %s", s.name()).isEqualTo(bn);
    assertThat(c.blocks()).as("blocks of %s", s.name()).isEqualTo(blocks);
    assertThat(c.paths()).as("paths of %s", s.name()).isEqualTo(paths);
    assertThat(c.hiddenChannels()).as("hidden channels of %s", s.name()).isEqualTo(hidden);
  }
}

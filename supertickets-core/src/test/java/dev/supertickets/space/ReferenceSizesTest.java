package dev.supertickets.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.supertickets.space.SearchableBlock.Role;
import java.util.Comparator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The reference supernets of SuperTickets (algorithm spec §1.4 and §2.1): every number the
 * reference reports, reproduced exactly by the analytic count.
 *
 * <p>Conventions that make them match: MACs count only convolutions and linear layers (BN,
 * activations, sums, nearest upsampling, bilinear resizing and pooling are free); "params" count
 * conv and linear weights and biases but no BN γ/β (the reference profiler's BN leaves report 0
 * parameters), so 13,039,360 = 11,438,360 masked conv weights + 1,600 * 1,000 + 1,000 classifier
 * weights and biases; the residual 1x1 conv has {@code groups = gcd(inp, oup)}; only the final
 * classifier has a bias. The table's MACs column is at 224x224 for every row, including the dense
 * tasks (the reference profiles at 224 and scales by {@code H*W/224^2}).
 */
class ReferenceSizesTest {
  /**
   * {@code oup/stride} of the 67 blocks of the reference's searched ImageNet architecture,
   * checkpoint.json.
   */
  private static final String CHECKPOINT_OUP_STRIDE =
      "24/1 24/1 18/1 36/2 18/1 18/1 36/1 36/1 18/1 18/1 36/2 36/1 72/2 18/1 18/1 36/1 36/1 72/1"
          + " 72/1 72/1 18/1 18/1 36/2 36/1 36/1 72/2 72/1 144/2 18/1 18/1 36/1 36/1 72/1 72/1 72/1"
          + " 144/1 144/1 144/1 144/1 18/1 18/1 36/2 36/1 36/1 72/2 72/1 72/1 144/2 144/1 18/1 18/1"
          + " 36/1 36/1 72/1 72/1 72/1 144/1 144/1 144/1 144/1 36/1 72/1 144/1 320/1 72/2 144/2"
          + " 320/2";

  @Test
  void imagenetSupernetMatchesTheReferenceExactly() {
    SupernetCost c = SearchSpaces.imagenet224().cost();
    assertThat(c.macs()).isEqualTo(2_422_799_760L);
    assertThat(c.params()).isEqualTo(13_039_360L);
    assertThat(c.blocks()).isEqualTo(67);
    assertThat(c.paths()).isEqualTo(201);
    assertThat(c.hiddenChannels()).isEqualTo(47_952L);
    assertThat(c.prunableWeights()).isEqualTo(11_438_360L);
    assertThat(c.prunableTensors()).isEqualTo(629);
    assertThat(c.params() - c.prunableWeights()).isEqualTo(1600L * 1000 + 1000);
    assertThat(c.batchNormParams()).isEqualTo(204_508L);
  }

  @Test
  void imagenetPenaltiesMatchTheReference() {
    SupernetCost c = SearchSpaces.imagenet224().cost();
    assertThat(c.penaltyNorm()).isCloseTo(49_437.9, within(0.05));
    assertThat(Math.round(c.minPenalty() * 100) / 100.0).isEqualTo(0.22);
    assertThat(Math.round(c.maxPenalty() * 100) / 100.0).isEqualTo(6.53);
    // the extremes, by hand: a 144->72 fuse term read at 7x7, and the 18->36 incre block at 56x56
    // with k=7
    PathPenalty min =
        c.penalties().stream().min(Comparator.comparingDouble(PathPenalty::penalty)).orElseThrow();
    assertThat(min.name()).isEqualTo("stage4.fuse.b2.from3.path0");
    assertThat(min.macsPerChannel()).isEqualTo(7 * 7 * 144 + 7 * 7 * 9 + 7 * 7 * 72);
    PathPenalty max =
        c.penalties().stream().max(Comparator.comparingDouble(PathPenalty::penalty)).orElseThrow();
    assertThat(max.name()).isEqualTo("head.incre0.path2");
    assertThat(max.macsPerChannel()).isEqualTo(56 * 56 * 18 + 56 * 56 * 49 + 56 * 56 * 36);
    assertThat(max.penalty()).isEqualTo(max.macsPerChannel() / c.penaltyNorm());
  }

  @Test
  void imagenetBlockOrderMatchesTheReferenceCheckpoint() {
    String ours =
        SearchSpaces.imagenet224().blocks().stream()
            .map(b -> b.oup() + "/" + b.stride())
            .collect(Collectors.joining(" "));
    assertThat(ours).isEqualTo(CHECKPOINT_OUP_STRIDE);
  }

  @Test
  void imagenetBlocksHaveReferenceNames() {
    SearchSpace s = SearchSpaces.imagenet224();
    assertThat(s.blocks().get(0).name()).isEqualTo("stage0.fuse.b0.from0");
    assertThat(s.blocks().get(0).referenceName()).isEqualTo("features.0.fuse_layers.0.0");
    assertThat(s.blocks().get(1).referenceName()).isEqualTo("features.1.branches.0.0");
    assertThat(s.block("stage2.fuse.b0.from1").referenceName())
        .isEqualTo("features.4.fuse_layers.0.1.0");
    assertThat(s.block("stage2.fuse.b1.from0").referenceName())
        .isEqualTo("features.4.fuse_layers.1.0.0");
    assertThat(s.block("stage2.fuse.b1.from1").referenceName())
        .isEqualTo("features.4.fuse_layers.1.1");
    assertThat(s.block("stage2.fuse.b2.new").referenceName())
        .isEqualTo("features.4.fuse_layers.2.0");
    assertThat(s.block("stage4.branch3.block3").referenceName())
        .isEqualTo("features.9.branches.3.3");
    assertThat(s.block("head.incre3").referenceName()).isEqualTo("features.10.incre_modules.3");
    assertThat(s.block("head.downsamp2").referenceName())
        .isEqualTo("features.10.downsamp_modules.2");
    assertThat(s.blocks().get(66).name()).isEqualTo("head.downsamp2");
  }

  @Test
  void imagenetRolesAndResolutions() {
    SupernetLayout l = SearchSpaces.imagenet224().layout();
    assertThat(l.blocks(Role.FUSE)).hasSize(1 + 1 + 4 + 7 + 10);
    assertThat(l.blocks(Role.NEW_BRANCH)).hasSize(3);
    assertThat(l.blocks(Role.BRANCH)).hasSize(1 + 4 + 7 + 11 + 11);
    assertThat(l.blocks(Role.HEAD_INCRE)).hasSize(4);
    assertThat(l.blocks(Role.HEAD_DOWNSAMPLE)).hasSize(3);
    assertThat(l.stemResolutions())
        .containsExactly(new Resolution(112, 112), new Resolution(56, 56));
    assertThat(l.finalResolutions())
        .containsExactly(
            new Resolution(56, 56),
            new Resolution(28, 28),
            new Resolution(14, 14),
            new Resolution(7, 7));
    assertThat(l.headResolution()).isEqualTo(new Resolution(7, 7));
    assertThat(l.headInputChannels()).isEqualTo(320);
    SearchableBlock up = l.block("stage4.fuse.b1.from2");
    assertThat(up.inp()).isEqualTo(72);
    assertThat(up.oup()).isEqualTo(36);
    assertThat(up.inputResolution()).isEqualTo(new Resolution(14, 14));
    assertThat(up.upsample()).isEqualTo(2);
    assertThat(up.residualGroups()).isEqualTo(36);
    assertThat(up.hiddenChannels()).containsExactly(288, 288, 288);
  }

  @Test
  void segmentationAndKeypointSupernetsMatchTheReferenceAt224() {
    SupernetCost cityscapes = SearchSpaces.hrnasDense("cityscapes", 224, 224, 90, 19).cost();
    assertThat(cityscapes.params()).isEqualTo(9_923_059L);
    assertThat(cityscapes.macs()).isEqualTo(5_917_958_928L); // the table's "5.918 G"
    assertThat(cityscapes.blocks()).isEqualTo(61);
    assertThat(cityscapes.paths()).isEqualTo(183);
    assertThat(cityscapes.hiddenChannels()).isEqualTo(44_928L);
    assertThat(cityscapes.prunableWeights()).isEqualTo(9_921_330L);
    assertThat(cityscapes.prunableTensors()).isEqualTo(568);

    SupernetCost coco = SearchSpaces.hrnasDense("coco", 224, 224, 90, 17).cost();
    assertThat(coco.params()).isEqualTo(9_922_877L);
    assertThat(Math.round(coco.macs() / 1e6) / 1e3)
        .isEqualTo(5.917); // "5.918 G" in the table is Cityscapes'

    SupernetCost ade = SearchSpaces.hrnasDense("ade20k", 224, 224, 180, 150).cost();
    assertThat(ade.macs()).isEqualTo(6_912_572_688L);
    assertThat(ade.params()).isEqualTo(10_240_350L);
    assertThat(ade.prunableWeights()).isEqualTo(10_213_200L);
    assertThat(ade.blocks()).isEqualTo(61);
    assertThat(ade.hiddenChannels()).isEqualTo(44_928L);
  }

  @Test
  void cityscapesAt1024x512IsTheReferenceCountScaledByPixels() {
    SearchSpace at224 = SearchSpaces.hrnasDense("cityscapes", 224, 224, 90, 19);
    SearchSpace full = at224.withInputSize(512, 1024);
    assertThat(full.cost().macs()).isEqualTo(61_836_632_064L);
    assertThat(full.cost().macs() * 224L * 224).isEqualTo(at224.cost().macs() * 512L * 1024);
    assertThat(full.cost().params()).isEqualTo(at224.cost().params());
    assertThat(full.layout().headResolution()).isEqualTo(new Resolution(128, 256));
    // every f_p scales by the same pixel ratio, so the normalised penalties do not change
    for (int p = 0; p < full.cost().penalties().size(); p++) {
      assertThat(full.cost().penalties().get(p).penalty())
          .isCloseTo(at224.cost().penalties().get(p).penalty(), within(1e-12));
    }
  }
}

package dev.supertickets.elastic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.data.Normalization;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Workspaces;
import dev.supertickets.ticket.Retrainer;
import dev.supertickets.ticket.SuperTicket;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A ResNet-20-style ticket (width 4) pruned to 60% by magnitude, stretched to ResNet-32 and
 * squeezed to ResNet-14: provenance, sparsity, determinism, the family and mapping errors, and a
 * stretched ticket that trains, saves, loads and predicts.
 */
class ElasticTicketsTest {
  private static Dataset train;
  private static Dataset test;
  private static SuperTicket r20;

  @BeforeAll
  static void ticket() {
    Backend.init();
    train = EmbeddedFashionMnist.train().subset(0, 512);
    test = EmbeddedFashionMnist.test().subset(0, 200);
    r20 =
        SuperTicket.initial(SearchSpaces.resnetStyle28(20, 4), Normalization.of(train), 5)
            .prune(MaskPolicies.magnitude(), 0.6, null, 1);
  }

  @Test
  void stretchingRecordsTheMappingAndKeepsTheCopiedSparsity() {
    SearchSpace r32 = SearchSpaces.resnetStyle28(32, 4);
    SuperTicket t = ElasticTickets.stretch(r20, r32);
    assertThat(t.space()).isEqualTo(r32);
    assertThat(t.architecture().hidden().keySet())
        .containsExactlyElementsOf(r32.blocks().stream().map(b -> b.name()).toList());
    assertThat(t.normalization()).isEqualTo(r20.normalization());
    assertThat(t.provenance().entries())
        .containsEntry("method", "elastic")
        .containsEntry("elastic.mapping", "0:0;1:1,3;2:2,4")
        .containsEntry("elastic.mappingChoice", "default stretch")
        .containsEntry("elastic.sourceSpace", "resnet20s28-w4")
        .containsEntry("elastic.targetSpace", "resnet32s28-w4")
        .containsEntry("elastic.sourceBlocks", "3,3,3")
        .containsEntry("elastic.targetBlocks", "5,5,5")
        .containsEntry("elastic.sourceSparsity", String.valueOf(r20.sparsity()))
        .containsEntry("elastic.sparsity", String.valueOf(t.sparsity()))
        .containsEntry("source.method", "initialisation")
        .containsEntry("source.seed", "5")
        .containsEntry("source.pruned.sparsity", "0.6");
    // not renormalised: the copies repeat blocks whose sparsity differs from the ticket's
    assertThat(t.sparsity()).isNotEqualTo(r20.sparsity()).isBetween(0.4, 0.8);
    assertThat(t.cost().macs()).isGreaterThan(r20.cost().macs());
  }

  @Test
  void theSameInputsGiveBitIdenticalTickets() {
    SearchSpace r32 = SearchSpaces.resnetStyle28(32, 4);
    SuperTicket a = ElasticTickets.stretch(r20, r32);
    SuperTicket b = ElasticTickets.transform(r20, r32, BlockMapping.parse("0:0;1:1,3;2:2,4"));
    assertThat(b.architecture()).isEqualTo(a.architecture());
    for (var maps :
        List.of(
            List.of(a.state().values(), b.state().values()),
            List.of(a.state().masks(), b.state().masks()),
            List.of(a.state().stats(), b.state().stats()))) {
      assertThat(maps.get(1).keySet()).containsExactlyElementsOf(maps.get(0).keySet());
      maps.get(0)
          .forEach(
              (k, v) ->
                  assertThat(maps.get(1).get(k).data().asFloat())
                      .as(k)
                      .containsExactly(v.data().asFloat()));
    }
    assertThat(b.provenance().get("elastic.mappingChoice")).isEqualTo("given");
  }

  @Test
  void copiesDoNotAliasTheSource() {
    SuperTicket t = ElasticTickets.squeeze(r20, SearchSpaces.resnetStyle28(14, 4));
    String stem = "stem0.conv.weight";
    assertThat(t.state().values().get(stem)).isNotSameAs(r20.state().values().get(stem));
    assertThat(t.state().values().get("stage1.block1.k3.pw.weight"))
        .isNotSameAs(r20.state().values().get("stage1.block1.k3.pw.weight"));
    assertThat(t.state().values()).doesNotContainKey("stage1.block2.k3.pw.weight");
    assertThat(t.provenance().get("elastic.mapping")).isEqualTo("0:0;1:1");
  }

  @Test
  void perStageMappingsAreRecordedJoined() {
    SearchSpace mixed =
        SearchSpaces.resnetStyle28(20, 4).toBuilder()
            .clearBody()
            .name("mixed")
            .chainStage(4, 2, 1)
            .chainStage(8, 4, 2)
            .chainStage(16, 3, 2)
            .build();
    SuperTicket t =
        ElasticTickets.transform(
            r20,
            mixed,
            List.of(
                BlockMapping.parse("0:0;2:1"),
                BlockMapping.stretch(3, 4),
                BlockMapping.identity(3)));
    assertThat(t.provenance().get("elastic.mapping"))
        .isEqualTo("0:0;2:1|0:0;1:1,3;2:2|0:0;1:1;2:2");
    assertThat(t.architecture().of("stage0.block1"))
        .isEqualTo(r20.architecture().of("stage0.block2"));
    assertThatThrownBy(() -> ElasticTickets.stretch(r20, mixed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "cannot stretch resnet20s28-w4 into mixed: chain stage 0: cannot stretch 3 blocks "
                + "to fewer (2); use squeeze(3, 2)");
    assertThatThrownBy(() -> ElasticTickets.squeeze(r20, mixed))
        .hasMessageContaining("chain stage 1");
  }

  @Test
  void multiBranchSpacesAreRefused() {
    SuperTicket hr = SuperTicket.initial(SearchSpaces.tiny28(), Normalization.identity(1), 1);
    assertThatThrownBy(() -> ElasticTickets.stretch(hr, SearchSpaces.resnetStyle28(32, 4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "elastic tickets need a chain space, whose stages E-LTH stretches and squeezes, but the"
                + " source ticket's space tiny28 is multi-branch (HRNet-style stages); use a chain"
                + " space such as SearchSpaces.resnetStyle28(20)");
    assertThatThrownBy(
            () -> ElasticTickets.transform(r20, SearchSpaces.tiny28(), BlockMapping.identity(3)))
        .hasMessageContaining("the target space tiny28 is multi-branch");
  }

  @Test
  void anotherFamilyIsRefusedNamingTheDifference() {
    assertThatThrownBy(() -> ElasticTickets.stretch(r20, SearchSpaces.resnetStyle28(32, 8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "target space resnet32s28-w8 is not of source space resnet20s28-w4's family: its "
                + "stem is")
        .hasMessageContaining("elastic tickets change only the number of blocks per chain stage");
    assertThatThrownBy(() -> ElasticTickets.stretch(r20, SearchSpaces.resnetStyle32(32, 4)))
        .hasMessageContaining("its input is 3x32x32");
    SearchSpace wider =
        SearchSpaces.resnetStyle28(32, 4).toBuilder()
            .clearBody()
            .chainStage(4, 5, 1)
            .chainStage(8, 5, 2)
            .chainStage(16, 5, 1)
            .build();
    assertThatThrownBy(() -> ElasticTickets.stretch(r20, wider))
        .hasMessageContaining(
            "its chain stage 2 (out channels, stride) is [16, 1], the source's [16, 2]");
    SearchSpace twoStages =
        SearchSpaces.resnetStyle28(32, 4).toBuilder()
            .clearBody()
            .chainStage(4, 5, 1)
            .chainStage(8, 5, 2)
            .build();
    assertThatThrownBy(() -> ElasticTickets.stretch(r20, twoStages))
        .hasMessageContaining("its number of chain stages is 2, the source's 3");
    assertThatThrownBy(
            () ->
                ElasticTickets.stretch(
                    r20, SearchSpaces.resnetStyle28(32, 4).toBuilder().expandRatio(2).build()))
        .hasMessageContaining("its block is");
  }

  @Test
  void mappingsThatDoNotFitAreRefusedNamingTheStage() {
    SearchSpace r32 = SearchSpaces.resnetStyle28(32, 4);
    assertThatThrownBy(
            () -> ElasticTickets.transform(r20, r32, BlockMapping.parse("0:0;1:1,2;2:3")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "chain stage 0 (3 to 5 blocks): block mapping 0:0;1:1,2;2:3 leaves target blocks [4] of"
                + " 0..4 uncovered; every target block needs exactly one source: add them to a"
                + " source's targets (e.g. BlockMapping.stretch(3, 5) gives the default)");
    assertThatThrownBy(
            () -> ElasticTickets.transform(r20, r32, List.of(BlockMapping.stretch(3, 5))))
        .hasMessageContaining(
            "give one block mapping per chain stage: resnet32s28-w4 has 3 stages, got 1");
    assertThatThrownBy(
            () -> ElasticTickets.transform(r20, r32, BlockMapping.parse("0:0;1:1,2;5:3,4")))
        .hasMessageContaining("reads source blocks [5]");
  }

  @Test
  void aStretchedTicketTrainsSavesLoadsAndPredicts(@TempDir Path dir) throws IOException {
    SuperTicket stretched = ElasticTickets.stretch(r20, SearchSpaces.resnetStyle28(32, 4));
    SuperTicket trained =
        stretched.retrain(
            train,
            test,
            Retrainer.builder()
                .epochs(1)
                .batchSize(32)
                .learningRate(0.05)
                .calibrationBatches(2)
                .seed(3)
                .build());
    assertThat(trained.architecture()).isEqualTo(stretched.architecture());
    assertThat(trained.sparsity()).isEqualTo(stretched.sparsity());
    assertThat(trained.state().values().get("stage0.block3.k3.dw.weight").data().asFloat())
        .isNotEqualTo(
            stretched.state().values().get("stage0.block3.k3.dw.weight").data().asFloat());
    assertThat(trained.provenance().get("elastic.mapping")).isEqualTo("0:0;1:1,3;2:2,4");
    assertThat(trained.provenance().get("retrained.epochs")).isEqualTo("1");
    // it learned: one short epoch lowers the training loss below the untrained copy's (BN
    // re-estimated alike)
    double before = stretched.recalibrate(train, 2, 3).evaluate(train).loss();
    double after = trained.evaluate(train).loss();
    assertThat(after).isLessThan(before);

    Path file = dir.resolve("elastic.stkt");
    trained.save(file);
    SuperTicket loaded = SuperTicket.load(file);
    assertThat(loaded.space()).isEqualTo(trained.space());
    assertThat(loaded.architecture()).isEqualTo(trained.architecture());
    assertThat(loaded.provenance().get("source.method")).isEqualTo("initialisation");
    INDArray images;
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      images = Nd4j.create(test.image(0), new long[] {1, 28, 28, 1}, 'c');
    }
    assertThat(loaded.predict(images).data().asFloat())
        .containsExactly(trained.predict(images).data().asFloat());
  }
}

package dev.supertickets.ticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.data.SegmentationScenes;
import dev.supertickets.draw.SuperTicketsDrawer;
import dev.supertickets.space.DenseHead;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.tensor.Backend;
import dev.supertickets.train.Confusion;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Transfer keeps the backbone (architecture, masks; weights too when frozen), replaces the head,
 * names its source, and refuses what it cannot carry with the fix in the message.
 */
class TransferTest {
  private static SuperTicket source;
  private static Dataset scenesTrain;
  private static Dataset scenesTest;

  @BeforeAll
  static void drawASourceTicket() {
    Backend.init();
    source =
        SuperTicketsDrawer.builder(SearchSpaces.tiny28())
            .seed(3)
            .epochs(2)
            .batchSize(32)
            .targetSparsity(0.5)
            .sparsityStep(0.5)
            .rho(0.5)
            .rhoWarmupEpochs(1)
            .learningRate(0.05)
            .shrinkThreshold(0.1)
            .emaDecay(0.9)
            .build()
            .draw(
                EmbeddedFashionMnist.train().subset(0, 256),
                EmbeddedFashionMnist.test().subset(0, 64));
    scenesTrain =
        SegmentationScenes.builder(EmbeddedFashionMnist.train().subset(0, 500))
            .canvas(40, 40)
            .scenes(64)
            .seed(1)
            .build();
    scenesTest =
        SegmentationScenes.builder(EmbeddedFashionMnist.test().subset(0, 200))
            .canvas(40, 40)
            .scenes(16)
            .seed(2)
            .build();
  }

  private static Retrainer quick() {
    return Retrainer.builder()
        .epochs(1)
        .batchSize(16)
        .learningRate(0.01)
        .calibrationBatches(2)
        .build();
  }

  @Test
  void transferToSegmentationKeepsTheBackbonesArchitectureAndMasks() {
    SuperTicket t =
        source.transferTo(Transfer.to(scenesTrain, scenesTest).retrainer(quick()).build());
    assertThat(t.space().head()).isInstanceOf(DenseHead.class);
    assertThat(t.space().head().numClasses()).isEqualTo(11);
    assertThat(t.space().input().height()).isEqualTo(40);
    Set<String> backbone = Transfer.backboneBlocks(t.space());
    assertThat(backbone).isNotEmpty();
    for (String block : backbone) {
      assertThat(t.architecture().of(block)).as(block).isEqualTo(source.architecture().of(block));
    }
    int checked = 0;
    for (String name : source.state().values().keySet()) {
      if (Transfer.isBackbone(name, backbone)) {
        INDArray m = source.state().masks().get(name);
        INDArray n = t.state().masks().get(name);
        assertThat(n == null)
            .as("mask of %s present in both or neither", name)
            .isEqualTo(m == null);
        if (m != null) {
          assertThat(n.data().asFloat()).as(name).containsExactly(m.data().asFloat());
          checked++;
        }
      }
    }
    assertThat(checked).as("the source has masked backbone weights").isPositive();
    Confusion c = t.confusion(scenesTest);
    assertThat(c.classes()).isEqualTo(11);
    assertThat(c.total()).isEqualTo(16L * 40 * 40);
    assertThat(c.meanIoU()).isBetween(0.0, 1.0);
  }

  @Test
  void aFrozenBackboneKeepsItsWeightsAndTheProvenanceNamesTheSource() {
    SuperTicket t =
        source.transferTo(
            Transfer.to(scenesTrain, null).freezeBackbone(true).retrainer(quick()).build());
    Set<String> backbone = Transfer.backboneBlocks(t.space());
    int same = 0;
    for (String name : source.state().values().keySet()) {
      if (Transfer.isBackbone(name, backbone)) {
        assertThat(t.state().values().get(name).data().asFloat())
            .as(name)
            .containsExactly(source.state().values().get(name).data().asFloat());
        same++;
      }
    }
    assertThat(same).isGreaterThan(10);
    assertThat(t.provenance().get("method")).isEqualTo("transfer");
    assertThat(t.provenance().get("source.method")).isEqualTo("supertickets");
    assertThat(t.provenance().get("source.seed")).isEqualTo("3");
    assertThat(t.provenance().get("source.space")).isEqualTo("tiny28");
    assertThat(t.provenance().get("transfer.freezeBackbone")).isEqualTo("true");
    assertThat(t.provenance().get("transfer.target.train")).contains(scenesTrain.name());
    assertThat(t.provenance().get("retrained.masks")).isEqualTo("fixed");
  }

  @Test
  void aTenClassTicketTransfersToAFiveClassTaskAndSurvivesSaveAndLoad(@TempDir Path dir)
      throws Exception {
    Dataset five = firstClasses(EmbeddedFashionMnist.train().subset(0, 400), 5);
    SuperTicket t = source.transferTo(Transfer.to(five, null).retrainer(quick()).build());
    assertThat(t.space().head().numClasses()).isEqualTo(5);
    Path f = dir.resolve("five.stj");
    t.save(f);
    SuperTicket back = SuperTicket.load(f);
    INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 28, 28, 1);
    assertThat(back.predict(x).shape()).containsExactly(3, 5);
    assertThat(back.provenance().get("source.method")).isEqualTo("supertickets");
    assertThat(back.architecture()).isEqualTo(t.architecture());
  }

  @Test
  void theHeadOfADonorTicketIsTaken() {
    SuperTicket donor =
        source.transferTo(Transfer.to(scenesTrain, null).retrainer(quick()).seed(77).build());
    SuperTicket t = Transfer.to(scenesTrain, null).headFrom(donor).build().initial(source);
    Set<String> backbone = Transfer.backboneBlocks(t.space());
    for (String name : t.state().values().keySet()) {
      INDArray want =
          Transfer.isBackbone(name, backbone)
              ? source.state().values().get(name)
              : donor.state().values().get(name);
      assertThat(t.state().values().get(name).data().asFloat())
          .as(name)
          .containsExactly(want.data().asFloat());
    }
    assertThat(t.provenance().get("transfer.headFrom")).startsWith("donor ticket");
  }

  @Test
  void inputItCannotTakeIsRefusedWithTheFix() {
    Dataset rgb =
        Dataset.classification("rgb", new float[4 * 28 * 28 * 3], new int[4], 28, 28, 3, 10);
    assertThatThrownBy(() -> source.transferTo(Transfer.to(rgb, null).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("takes 1-channel images")
        .hasMessageContaining("rgb has 3 channels")
        .hasMessageContaining("convert the images");
    // a transferred ticket takes the target's size and no other, and says so
    SuperTicket onScenes = Transfer.to(scenesTrain, null).build().initial(source);
    Dataset small = EmbeddedFashionMnist.test().subset(0, 4);
    assertThatThrownBy(() -> onScenes.evaluate(small))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expects 40x40x1");
    assertThatThrownBy(
            () -> Transfer.to(scenesTrain, null).head(new DenseHead(8, 4)).build().initial(source))
        .hasMessageContaining("head predicts 4 classes but the target data");
  }

  /** The samples of the first {@code k} classes, as a {@code k}-class set. */
  static Dataset firstClasses(Dataset d, int k) {
    java.util.List<Integer> keep = new java.util.ArrayList<>();
    for (int i = 0; i < d.size(); i++) {
      if (d.label(i) < k) {
        keep.add(i);
      }
    }
    float[] img = new float[keep.size() * d.sampleLength()];
    int[] lab = new int[keep.size()];
    for (int j = 0; j < keep.size(); j++) {
      System.arraycopy(d.image(keep.get(j)), 0, img, j * d.sampleLength(), d.sampleLength());
      lab[j] = d.label(keep.get(j));
    }
    return Dataset.classification(
        d.name() + "-first" + k, img, lab, d.height(), d.width(), d.channels(), k);
  }
}

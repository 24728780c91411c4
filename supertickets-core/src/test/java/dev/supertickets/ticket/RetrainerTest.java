package dev.supertickets.ticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.draw.SuperTicketsDrawer;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.mask.Scope;
import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Param;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Workspaces;
import dev.supertickets.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Retraining with fixed masks on the embedded subset: a tiny28 ticket searched for one epoch,
 * pruned one-shot to 90% by magnitude (ERK), retrained for two epochs.
 */
@Tag("slow")
class RetrainerTest {
  private static Dataset train;
  private static Dataset test;
  private static SuperTicket pruned;
  private static NetworkStateCopy prunedBefore;
  private static SuperTicket retrained;
  private static final List<TrainingListener.EpochEvent> epochs = new ArrayList<>();

  /** A deep copy of a ticket's numbers, to show that retraining leaves its input alone. */
  private record NetworkStateCopy(Map<String, float[]> values) {
    static NetworkStateCopy of(SuperTicket t) {
      Map<String, float[]> v = new java.util.LinkedHashMap<>();
      t.state().values().forEach((k, a) -> v.put(k, a.dup().data().asFloat()));
      return new NetworkStateCopy(v);
    }
  }

  private static Retrainer retrainer() {
    return Retrainer.builder().epochs(2).batchSize(64).learningRate(0.02).seed(11).build();
  }

  @BeforeAll
  static void drawPruneRetrain() {
    Backend.init();
    train = EmbeddedFashionMnist.train().subset(0, 1024);
    test = EmbeddedFashionMnist.test().subset(0, 256);
    SuperTicket searched =
        SuperTicketsDrawer.builder(SearchSpaces.tiny28())
            .seed(3)
            .epochs(1)
            .batchSize(64)
            .targetSparsity(0)
            .rho(0.02)
            .learningRate(0.02)
            .build()
            .draw(train, test);
    // ERK: global magnitude at 90% empties tiny28's 72-weight stem, which no retraining can revive
    pruned = searched.prune(MaskPolicies.magnitude().scope(Scope.ERK), 0.9, null, 1);
    prunedBefore = NetworkStateCopy.of(pruned);
    retrained =
        pruned.retrain(
            train,
            test,
            Retrainer.builder()
                .epochs(2)
                .batchSize(64)
                .learningRate(0.02)
                .seed(11)
                .listener(
                    new TrainingListener() {
                      @Override
                      public void onEpoch(EpochEvent e) {
                        epochs.add(e);
                      }
                    })
                .build());
  }

  /**
   * A run killed after its first epoch and run again with the same checkpoint ends with the weights
   * of the uninterrupted run; a checkpoint of a run from another input ticket is refused.
   */
  @Test
  void aKilledRunContinuesFromItsCheckpointToTheSameTicket(@TempDir Path dir) {
    Path file = dir.resolve("retrain.ckpt");
    assertThatThrownBy(
            () ->
                pruned.retrain(
                    train,
                    test,
                    retrainer().toBuilder()
                        .checkpoint(file)
                        .listener(
                            new TrainingListener() {
                              @Override
                              public void onEpoch(EpochEvent e) {
                                if (e.epoch() == 1) {
                                  throw new IllegalStateException("killed");
                                }
                              }
                            })
                        .build()))
        .hasMessage("killed");
    assertThat(file).exists();
    SuperTicket resumed =
        pruned.retrain(train, test, retrainer().toBuilder().checkpoint(file).build());
    assertThat(resumed.isIdenticalTo(retrained)).isTrue();
    assertThat(resumed.provenance().get("retrained.resumedAfterEpochs")).isEqualTo("1");

    SuperTicket other = pruned.prune(MaskPolicies.magnitude().scope(Scope.ERK), 0.8, null, 1);
    assertThatThrownBy(
            () -> other.retrain(train, test, retrainer().toBuilder().checkpoint(file).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retrained.input=" + pruned.fingerprint())
        .hasMessageContaining("delete the checkpoint");
  }

  @Test
  void masksArchitectureAndSparsityAreUnchanged() {
    assertThat(retrained.architecture()).isEqualTo(pruned.architecture());
    assertThat(retrained.state().masks().keySet())
        .isEqualTo(pruned.state().masks().keySet())
        .isNotEmpty();
    pruned
        .state()
        .masks()
        .forEach(
            (name, m) ->
                assertThat(retrained.state().masks().get(name).data().asFloat())
                    .as(name)
                    .containsExactly(m.data().asFloat()));
    assertThat(retrained.sparsity()).isEqualTo(pruned.sparsity());
    assertThat(retrained.sparsity()).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-3));
    assertThat(retrained.cost()).isEqualTo(pruned.cost());
  }

  @Test
  void prunedWeightsStayInactive() {
    Supernet net = retrained.network();
    INDArray x = Nd4j.rand(DataType.FLOAT, 4, 28, 28, 1);
    INDArray before = forward(net, x);
    // scramble every pruned weight's stored value: the output must not move
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      for (Param p : net.params()) {
        if (p.isMasked()) {
          INDArray noise = Nd4j.randn(p.value().dataType(), p.value().shape()).muli(10);
          p.value().addi(noise.muli(p.mask().rsub(1)));
        }
      }
    }
    assertThat(forward(net, x).sub(before).amaxNumber().doubleValue()).isZero();
  }

  @Test
  void retrainingImprovesOnTheOneShotPrunedTicket() {
    double oneShot = pruned.evaluate(test).accuracy();
    double after = retrained.evaluate(test).accuracy();
    assertThat(after)
        .as("retrained %s vs one-shot %s", after, oneShot)
        .isGreaterThan(oneShot + 0.05);
    assertThat(Double.parseDouble(retrained.provenance().get("retrained.testAccuracy")))
        .isEqualTo(after);
  }

  @Test
  void provenanceIsExtendedAndTheInputTicketIsUntouched() {
    assertThat(retrained.provenance().get("method")).isEqualTo("search-only");
    assertThat(retrained.provenance().get("pruned.sparsity")).isEqualTo("0.9");
    assertThat(retrained.provenance().get("retrained.epochs")).isEqualTo("2");
    assertThat(retrained.provenance().get("retrained.seed")).isEqualTo("11");
    assertThat(retrained.provenance().get("retrained.masks")).isEqualTo("fixed");
    assertThat(retrained.provenance().get("retrained.data.train")).contains("1024");
    assertThat(pruned.provenance().get("retrained.epochs")).isNull();
    NetworkStateCopy now = NetworkStateCopy.of(pruned);
    prunedBefore
        .values()
        .forEach((k, v) -> assertThat(now.values().get(k)).as(k).containsExactly(v));
    assertThat(epochs).hasSize(2);
    assertThat(epochs.get(1).eval()).isNotNull();
  }

  @Test
  void theSameSeedRetrainsToTheSameWeights() {
    SuperTicket again = pruned.retrain(train, test, retrainer());
    retrained
        .state()
        .values()
        .forEach(
            (k, v) ->
                assertThat(again.state().values().get(k).data().asFloat())
                    .as(k)
                    .containsExactly(v.data().asFloat()));
    retrained
        .state()
        .stats()
        .forEach(
            (k, v) ->
                assertThat(again.state().stats().get(k).data().asFloat())
                    .as(k)
                    .containsExactly(v.data().asFloat()));
  }

  @Test
  void recalibrationChangesOnlyTheBnStatistics() {
    SuperTicket r = pruned.recalibrate(train, 2, 5);
    assertThat(r.architecture()).isEqualTo(pruned.architecture());
    pruned
        .state()
        .values()
        .forEach(
            (k, v) ->
                assertThat(r.state().values().get(k).data().asFloat())
                    .as(k)
                    .containsExactly(v.data().asFloat()));
    pruned
        .state()
        .masks()
        .forEach(
            (k, v) ->
                assertThat(r.state().masks().get(k).data().asFloat())
                    .as(k)
                    .containsExactly(v.data().asFloat()));
    assertThat(r.state().stats().keySet()).isEqualTo(pruned.state().stats().keySet());
    assertThat(r.state().stats().entrySet())
        .anyMatch(
            e ->
                !java.util.Arrays.equals(
                    e.getValue().data().asFloat(),
                    pruned.state().stats().get(e.getKey()).data().asFloat()));
    assertThat(r.provenance().get("recalibrated.batches")).isEqualTo("2");
    assertThatThrownBy(() -> pruned.recalibrate(train, 0, 5))
        .hasMessage("calibration batches must be positive, got 0; e.g. 10");
  }

  @Test
  void badSettingsAndDataAreRefusedWithValueRuleAndFix() {
    assertThatThrownBy(() -> Retrainer.builder().epochs(0))
        .hasMessage("epochs must be positive, got 0; e.g. 10");
    assertThatThrownBy(() -> Retrainer.builder().learningRate(Double.NaN))
        .hasMessageContaining("got NaN")
        .hasMessageContaining("positive and finite")
        .hasMessageContaining("0.01");
    assertThatThrownBy(() -> Retrainer.builder().emaDecay(1.0))
        .hasMessageContaining("got 1.0")
        .hasMessageContaining("0 (off) or in (0, 1)");
    assertThatThrownBy(() -> pruned.retrain(train, test, null))
        .hasMessageContaining("Retrainer.builder()");
    Dataset wrong =
        Dataset.classification("w", new float[32 * 32 * 200], new int[200], 32, 32, 1, 10);
    assertThatThrownBy(() -> pruned.retrain(wrong, null, retrainer()))
        .hasMessageContaining("32x32x1")
        .hasMessageContaining("28x28x1")
        .hasMessageContaining("resize");
    Dataset few = train.subset(0, 10);
    assertThatThrownBy(() -> pruned.retrain(few, null, retrainer()))
        .hasMessageContaining("10 samples")
        .hasMessageContaining("batch of 64")
        .hasMessageContaining("smaller batch size");
    Dataset fiveClasses =
        Dataset.classification("five", new float[28 * 28 * 100], new int[100], 28, 28, 1, 5);
    assertThatThrownBy(() -> pruned.retrain(train, fiveClasses, retrainer()))
        .hasMessageContaining("test data has 5 classes")
        .hasMessageContaining("predicts 10");
  }

  private static INDArray forward(Supernet net, INDArray x) {
    try (MemoryWorkspace ignored = Workspaces.step()) {
      INDArray out = net.forward(x, Mode.EVAL);
      try (MemoryWorkspace o = Workspaces.outside()) {
        return out.dup();
      }
    }
  }
}

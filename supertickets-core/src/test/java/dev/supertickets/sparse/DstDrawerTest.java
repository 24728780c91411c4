package dev.supertickets.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.data.Loader;
import dev.supertickets.data.Normalization;
import dev.supertickets.mask.MaskSet;
import dev.supertickets.mask.Scope;
import dev.supertickets.nn.Flatten;
import dev.supertickets.nn.Linear;
import dev.supertickets.nn.Sequential;
import dev.supertickets.nn.loss.SoftmaxCrossEntropy;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.Retrainer;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SET, RigL and Sup-tickets on the tiny28 supernet and a slice of the embedded Fashion-MNIST: two
 * epochs of 8 steps (four with Sup-tickets), a mask update every 2 steps up to step 12.
 */
@Tag("slow")
class DstDrawerTest {
  private static Dataset train;
  private static Dataset test;
  private static SuperTicket set;
  private static SuperTicket rigl;
  private static final Map<String, java.util.Set<Long>> activeCounts = new java.util.HashMap<>();
  private static final List<dev.supertickets.draw.DrawListener.MaskEvent> riglMasks =
      new ArrayList<>();

  private static Retrainer recipe(int epochs) {
    return Retrainer.builder().epochs(epochs).batchSize(64).learningRate(0.01).seed(5).build();
  }

  private static DstDrawer.Builder setDrawer() {
    return DstDrawer.set(SearchSpaces.tiny28())
        .seed(7)
        .retrainer(recipe(2))
        .targetSparsity(0.9)
        .updateInterval(2);
  }

  @BeforeAll
  static void draw() {
    Backend.init();
    train = EmbeddedFashionMnist.train().subset(0, 512);
    test = EmbeddedFashionMnist.test().subset(0, 200);
    set = setDrawer().build().draw(train, test);
    // a hook of the recipe sees every step: it records each tensor's active count (the drawer's
    // hook runs after it)
    Retrainer counting =
        recipe(2).toBuilder()
            .stepHook(
                (trainer, epoch) ->
                    trainer.model().params().stream()
                        .filter(dev.supertickets.nn.Param::isMasked)
                        .forEach(
                            p ->
                                activeCounts
                                    .computeIfAbsent(p.name(), k -> new java.util.TreeSet<>())
                                    .add(p.activeCount())))
            .build();
    rigl =
        DstDrawer.rigl(SearchSpaces.tiny28())
            .seed(7)
            .retrainer(counting)
            .targetSparsity(0.9)
            .distribution(Scope.PER_LAYER)
            .updateInterval(2)
            .listener(GmpDrawerTest.onMasks(riglMasks::add))
            .build()
            .draw(train, test);
  }

  /** Each tensor's pruned count equals its quota of the distribution, so the total is exact too. */
  private static void assertExactlyAtTarget(SuperTicket t, Scope distribution) {
    List<long[]> shapes = new ArrayList<>();
    List<String> names = new ArrayList<>(t.state().masks().keySet());
    names.forEach(n -> shapes.add(t.state().masks().get(n).shape()));
    long[] quotas = distribution.quotas(shapes, 0.9);
    long total = 0;
    long pruned = 0;
    for (int i = 0; i < names.size(); i++) {
      INDArray m = t.state().masks().get(names.get(i));
      long zeros = m.length() - Math.round(m.sumNumber().doubleValue());
      assertThat(zeros).as("pruned in %s", names.get(i)).isEqualTo(quotas[i]);
      total += m.length();
      pruned += zeros;
    }
    assertThat(t.sparsity()).isEqualTo((double) pruned / total);
    assertThat(Math.abs(t.sparsity() - 0.9)).isLessThanOrEqualTo((double) names.size() / total);
  }

  @Test
  void setAndRigLTrainAtExactlyTheTargetSparsityWithTheirMasksMoving() {
    assertExactlyAtTarget(set, Scope.ERK);
    assertExactlyAtTarget(rigl, Scope.PER_LAYER);
    assertThat(activeCounts.keySet()).isEqualTo(rigl.state().masks().keySet());
    activeCounts.forEach(
        (name, counts) ->
            assertThat(counts)
                .as("active counts of %s over the run", name)
                .containsExactly(
                    Math.round(rigl.state().masks().get(name).sumNumber().doubleValue())));
    for (SuperTicket t : List.of(set, rigl)) {
      assertThat(t.provenance().get("dst.updates")).isEqualTo("6");
      assertThat(Long.parseLong(t.provenance().get("dst.regrown"))).isPositive();
      assertThat(t.provenance().get("dst.endStep")).isEqualTo("12");
      assertThat(t.evaluate(test).accuracy()).as("better than chance").isGreaterThan(0.15);
    }
    assertThat(set.provenance().get("method")).isEqualTo("set");
    assertThat(rigl.provenance().get("method")).isEqualTo("rigl");
    assertThat(set.provenance().entries())
        .containsEntry("dst.dropFraction", "0.3")
        .containsEntry("dst.updateInterval", "2")
        .containsEntry("dst.endFraction", "0.75")
        .containsEntry("dst.targetSparsity", "0.9")
        .containsEntry("dst.distribution", "ERK")
        .containsEntry("seed", "7")
        .containsEntry("retrained.seed", "7")
        .containsEntry("retrained.epochs", "2")
        .containsKey("data.train");
    assertThat(rigl.provenance().get("dst.growth")).isEqualTo("gradient (RigL)");
    // listeners hear every update, and the last one's masks are the ticket's
    assertThat(riglMasks)
        .extracting(dev.supertickets.draw.DrawListener.MaskEvent::step)
        .containsExactly(2L, 4L, 6L, 8L, 10L, 12L);
    assertThat(riglMasks.get(riglMasks.size() - 1).masks().prunedCount())
        .isEqualTo(
            MaskSet.capture(rigl.network(), dev.supertickets.mask.Selector.prunableWeights())
                .prunedCount());
    // the masks moved away from the random start, which the same seed reproduces
    assertThat(set.state().masks())
        .isNotEqualTo(
            DstDrawer.set(SearchSpaces.tiny28())
                .seed(7)
                .retrainer(recipe(2))
                .targetSparsity(0.9)
                .updateInterval(1000)
                .build()
                .draw(train, null)
                .state()
                .masks());
  }

  @Test
  void aTicketSavesLoadsAndPredicts(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("set.stkt");
    set.save(file);
    SuperTicket loaded = SuperTicket.load(file);
    float[] images = new float[8 * 28 * 28];
    for (int i = 0; i < 8; i++) {
      System.arraycopy(test.image(i), 0, images, i * 28 * 28, 28 * 28);
    }
    INDArray x = Nd4j.create(images, new long[] {8, 28, 28, 1}, 'c');
    INDArray logits = set.predict(x);
    assertThat(logits.shape()).containsExactly(8, 10);
    assertThat(loaded.predict(x).data().asFloat()).containsExactly(logits.data().asFloat());
    assertThat(loaded.sparsity()).isEqualTo(set.sparsity());
    assertThat(loaded.provenance().get("method")).isEqualTo("set");
  }

  @Test
  void theSameSeedDrawsABitIdenticalTicketAndAnotherSeedAnotherOne() {
    SuperTicket again = setDrawer().build().draw(train, test);
    assertBitIdentical(again.state().values(), set.state().values());
    assertBitIdentical(again.state().masks(), set.state().masks());
    assertBitIdentical(again.state().stats(), set.state().stats());
    SuperTicket other = setDrawer().seed(8).build().draw(train, null);
    assertThat(other.state().masks().entrySet())
        .anyMatch(
            e ->
                !java.util.Arrays.equals(
                    e.getValue().data().asFloat(),
                    set.state().masks().get(e.getKey()).data().asFloat()));
  }

  private static void assertBitIdentical(Map<String, INDArray> a, Map<String, INDArray> b) {
    assertThat(a.keySet()).isEqualTo(b.keySet());
    a.forEach(
        (k, v) -> assertThat(v.data().asFloat()).as(k).containsExactly(b.get(k).data().asFloat()));
  }

  /**
   * One linear layer on one 2x2 image with pixels (0, 0, 0.2, 1): the logits are 0 whatever the
   * active weights of the first two rows are, so the dense gradient is {@code x_i · (p − y)_j}:
   * zero in rows 0 and 1, 0.1 in row 2 and 0.5 in row 3. Dropping two of the four active weights
   * regrows both entries of row 3.
   */
  @Test
  void rigLGrowsWhereTheDenseGradientIsLargest() {
    Dataset one =
        Dataset.classification("hand", new float[] {0, 0, 0.2f, 1}, new int[] {0}, 2, 2, 1, 2);
    Linear fc = new Linear("fc", 4, 2, new SplittableRandom(1), DataType.FLOAT);
    Sequential model = Sequential.of(new Flatten(), fc);
    // row-major [in, out]: rows 0 and 1 active with |w| 0.1, 0.9, 0.8, 0.2; rows 2 and 3 inactive
    fc.weight()
        .value()
        .assign(
            Nd4j.create(
                new float[] {0.1f, 0.9f, 0.8f, 0.2f, 0.5f, 0.5f, 0.5f, 0.5f},
                new long[] {4, 2},
                'c'));
    fc.weight().setMask(Nd4j.create(new float[] {1, 1, 1, 1, 0, 0, 0, 0}, new long[] {4, 2}, 'c'));
    Loader loader =
        Loader.builder(one).batchSize(1).normalization(Normalization.identity(1)).build();
    DstUpdates updates =
        new DstUpdates(
            DstDrawer.Growth.GRADIENT,
            0.5,
            1,
            10,
            3,
            loader,
            new SoftmaxCrossEntropy(),
            0.5,
            dev.supertickets.draw.DrawListeners.of(List.of()));
    Trainer trainer = Trainer.builder(model).build();

    int grown = updates.dropAndGrow(trainer, active -> 2);

    assertThat(grown).isEqualTo(2);
    assertThat(fc.weight().mask().data().asFloat()).containsExactly(0, 1, 1, 0, 0, 0, 1, 1);
    assertThat(fc.weight().value().data().asFloat())
        .containsExactly(0.1f, 0.9f, 0.8f, 0.2f, 0.5f, 0.5f, 0, 0);
  }

  @Test
  void supTicketsSuperposesRePrunesToTheBudgetAndRecordsTheCycles() {
    SupTickets sup =
        SupTickets.builder()
            .cycleEpochs(1)
            .cycleRate(0.5)
            .lr1(0.001)
            .lr2(0.005)
            .reExplore(0.2)
            .build();
    SuperTicket t = setDrawer().retrainer(recipe(4)).supTickets(sup).build().draw(train, test);

    long prunable = 0;
    long active = 0;
    for (String name : t.state().masks().keySet()) {
      INDArray m = t.state().masks().get(name);
      prunable += m.length();
      active += Math.round(m.sumNumber().doubleValue());
      float[] mask = m.data().asFloat();
      float[] v = t.state().values().get(name).data().asFloat();
      for (int i = 0; i < v.length; i++) {
        if (mask[i] == 0) {
          assertThat(v[i]).as("re-pruned %s[%s]", name, i).isEqualTo(0f);
        }
      }
    }
    assertThat(active).isEqualTo((long) Math.floor(prunable * 0.1 + 1e-9));
    assertThat(t.provenance().get("method")).isEqualTo("set+sup-tickets");
    assertThat(t.provenance().entries())
        .containsEntry("supTickets.preEpochs", "2")
        .containsEntry("supTickets.cyclicEpochs", "2")
        .containsEntry("supTickets.tickets", "2")
        .containsEntry("supTickets.reExplorations", "2")
        .containsEntry("supTickets.superposition", "CAA")
        .containsEntry("supTickets.cycleRate", "0.5")
        .containsEntry("supTickets.reExplore", "0.2")
        .containsEntry("dst.steps", "16")
        .containsEntry("dst.endStep", "12")
        .containsEntry("dst.updates", "6");
    double s = 1 - (double) active / prunable;
    assertThat(t.provenance().get("supTickets.cycleSparsity")).isEqualTo(List.of(s, s).toString());
    assertThat(Double.parseDouble(t.provenance().get("supTickets.testAccuracy")))
        .isEqualTo(t.evaluate(test).accuracy())
        .isGreaterThan(0.15);
  }

  /** Hooks change masks in place: the ticket a run starts from must not change with them. */
  @Test
  void aMaskChangingRunLeavesItsInputTicketAlone() {
    SuperTicket start =
        SuperTicket.initial(SearchSpaces.tiny28(), Normalization.of(train), 1)
            .prune(dev.supertickets.mask.MaskPolicies.random(2), 0.5, null, 3);
    Map<String, float[]> before = new java.util.HashMap<>();
    start.state().masks().forEach((k, v) -> before.put(k, v.data().asFloat()));
    Retrainer opening =
        Retrainer.builder()
            .epochs(1)
            .batchSize(64)
            .stepHook(
                (trainer, epoch) ->
                    trainer.model().params().stream()
                        .filter(dev.supertickets.nn.Param::isMasked)
                        .forEach(p -> p.setMask(Nd4j.onesLike(p.mask()))))
            .build();

    SuperTicket after = start.retrain(train.subset(0, 128), null, opening);

    assertThat(after.sparsity()).isZero();
    start
        .state()
        .masks()
        .forEach((k, v) -> assertThat(v.data().asFloat()).as(k).containsExactly(before.get(k)));
    assertThat(start.sparsity()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-3));
  }

  @Test
  void badArgumentsAreRefusedWithValueRuleAndFix() {
    DstDrawer.Builder b = DstDrawer.builder(SearchSpaces.tiny28());
    assertThatThrownBy(() -> b.dropFraction(1.5))
        .hasMessage("drop fraction must be in (0, 1), got 1.5; RigL uses 0.3");
    assertThatThrownBy(() -> b.targetSparsity(0))
        .hasMessageContaining("target sparsity must be in (0, 1), got 0.0");
    assertThatThrownBy(() -> b.distribution(Scope.GLOBAL))
        .hasMessageContaining("PER_LAYER (uniform) or Scope.ERK")
        .hasMessageContaining("GLOBAL");
    assertThatThrownBy(() -> b.updateInterval(0))
        .hasMessageContaining("got 0")
        .hasMessageContaining("100");
    assertThatThrownBy(() -> b.endFraction(1.2)).hasMessageContaining("(0, 1], got 1.2");
    assertThatThrownBy(() -> b.retrainer(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("Retrainer.builder()");
    assertThatThrownBy(() -> DstDrawer.builder(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("SearchSpaces.tiny28()");
    assertThatThrownBy(() -> SupTickets.builder().cycleRate(1))
        .hasMessageContaining("cycle rate must be in (0, 1)");
    assertThatThrownBy(() -> SupTickets.builder().reExplore(-0.1))
        .hasMessageContaining("re-exploration rate must be in [0, 1), got -0.1");
    assertThatThrownBy(() -> SupTickets.builder().cimaFactor(0))
        .hasMessageContaining("cima factor");
    assertThatThrownBy(() -> SupTickets.builder().cycleEpochs(0)).hasMessageContaining("got 0");
    // too few epochs for one cycle: refused before any training
    DstDrawer tooShort = setDrawer().supTickets(SupTickets.builder().build()).build();
    assertThatThrownBy(() -> tooShort.draw(train, test))
        .hasMessageContaining("at least one whole cycle")
        .hasMessageContaining("train at least 80 epochs");
    Dataset wrong =
        Dataset.classification("w", new float[32 * 32 * 200], new int[200], 32, 32, 1, 10);
    assertThatThrownBy(() -> setDrawer().build().draw(wrong, null)).hasMessageContaining("32x32x1");
  }
}

package dev.supertickets.testing;

import static dev.supertickets.testing.TicketAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.nn.NetworkState;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.supernet.Architecture;
import dev.supertickets.tensor.Tensors;
import dev.supertickets.ticket.SuperTicket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every ticket assertion passes on a sound ticket and fails, with a message naming the value, the
 * rule and the expectation, on a bad one. The tiny28 supernet has 7,376 prunable weights, 802,744
 * MACs and 8,762 parameters.
 */
class SuperTicketAssertTest {
  private static final SearchSpace TINY = SearchSpaces.tiny28();

  @TempDir Path dir;

  @Test
  void sparsityBoundsPassAndFailWithCounts() {
    SuperTicket half = Tickets.half();
    assertThat(half).hasSparsityAtLeast(0.5).hasSparsityAtMost(0.5).hasSparsity(0.5, 0);
    assertThatThrownBy(() -> assertThat(half).hasSparsityAtLeast(0.9))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "expected sparsity at least 0.9 but was 0.5 (3,688 of 7,376 prunable weights active)");
    assertThatThrownBy(() -> assertThat(half).hasSparsityAtMost(0.25))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected sparsity at most 0.25 but was 0.5");
    assertThatThrownBy(() -> assertThat(half).hasSparsity(0.8, 0.01))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected sparsity 0.8 ± 0.01 but was 0.5 (3,688 of 7,376");
    assertThatThrownBy(() -> assertThat(Tickets.dense()).hasSparsityAtLeast(0.1))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("but was 0 (0 of 0 prunable weights active)");
  }

  @Test
  void costBoundsPassAndFailWithTheActualCost() {
    SuperTicket half = Tickets.half();
    long macs = TINY.cost().macs();
    long sparse = half.cost().sparseMacs();
    assertThat(half)
        .hasMacsAtMost(macs)
        .hasSparseMacsAtMost(sparse)
        .hasParamsAtMost(8_762)
        .hasActiveParamsAtMost(8_762 - 3_688);
    assertThatThrownBy(() -> assertThat(half).hasMacsAtMost(400_000))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "expected dense MACs at most 400,000 but was 802,744 (architecture of 208 hidden "
                + "channels in 18 paths; the uncut supernet tiny28 has 802,744)");
    assertThatThrownBy(() -> assertThat(half).hasSparseMacsAtMost(sparse - 1))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected MACs counting active weights only at most")
        .hasMessageContaining("but was " + String.format(java.util.Locale.ROOT, "%,d", sparse))
        .hasMessageContaining("dense 802,744, sparsity 0.5");
    assertThatThrownBy(() -> assertThat(half).hasParamsAtMost(8_000))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "expected at most 8,000 parameters (dense) but the ticket has 8,762 (5,074 active");
    assertThatThrownBy(() -> assertThat(half).hasActiveParamsAtMost(5_000))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "expected at most 5,000 active parameters but the ticket has 5,074 (of 8,762 dense)");
  }

  @Test
  void subnetworksOfTheirSpacePassAndOthersFailNamingTheFault() {
    assertThat(Tickets.half()).isSubnetworkOf(TINY).isSubnetworkOf(SearchSpaces.tiny28());
    assertThatThrownBy(() -> assertThat(Tickets.half()).isSubnetworkOf(TINY.withInputSize(32, 32)))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "expected a subnetwork of search space tiny28 but the ticket's space tiny28 differs in"
                + " input (1x28x28 vs 1x32x32)");
    assertThatThrownBy(
            () -> assertThat(Tickets.half()).isSubnetworkOf(SearchSpaces.mobileNetV2Chain28()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "differs in name (\"tiny28\" vs " + "\"mobilenetv2-chain28\"), block");
    // a ticket that claims the narrower space (expand 1) but carries the expand-2 architecture
    SearchSpace narrow = TINY.toBuilder().expandRatio(1).build();
    SuperTicket wide =
        new SuperTicket(
            narrow,
            Tickets.half().architecture(),
            Tickets.half().state(),
            Tickets.half().normalization(),
            Tickets.half().provenance());
    var block = TINY.blocks().get(0);
    assertThatThrownBy(() -> assertThat(wide).isSubnetworkOf(narrow))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "expected every path width to be at most the supernet's width in tiny28 but 18 "
                + "faults: block "
                + block.name()
                + " path 0 (kernel 3) has "
                + block.paths().get(0).hiddenChannels()
                + " hidden channels but the supernet has "
                + narrow.blocks().get(0).paths().get(0).hiddenChannels()
                + ";");
    Map<String, com.google.common.collect.ImmutableList<Integer>> missing =
        new LinkedHashMap<>(Tickets.half().architecture().hidden());
    String first = missing.keySet().iterator().next();
    missing.remove(first);
    SuperTicket partial =
        new SuperTicket(
            TINY,
            new Architecture(ImmutableMap.copyOf(missing)),
            Tickets.half().state(),
            Tickets.half().normalization(),
            Tickets.half().provenance());
    assertThatThrownBy(() -> assertThat(partial).isSubnetworkOf(TINY))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("block " + first + " is missing");
  }

  @Test
  void cutArchitecturesAreSubnetworks() {
    Architecture cut = TicketArbitraries.architectures(TINY).sample();
    SuperTicket t =
        new SuperTicket(
            TINY,
            cut,
            Tickets.half().state(),
            Tickets.half().normalization(),
            Tickets.half().provenance());
    assertThat(t).isSubnetworkOf(TINY);
  }

  @Test
  void binaryMasksPassAndAFractionalOneFailsEvenWhenTheEngineAcceptsIt() {
    assertThat(Tickets.half()).hasBinaryMasks();
    assertThat(Tickets.dense()).hasBinaryMasks();
    // [2, 0.5 x 8] has sum(m) = sum(m²), so Param.setMask's cheap check lets it through; the
    // network builds
    SuperTicket bad =
        withFirstMask(
            Tickets.half(),
            m -> {
              m.putScalar(0, 2);
              for (int i = 1; i <= 8; i++) {
                m.putScalar(i, 0.5);
              }
            });
    bad.network();
    assertThatThrownBy(() -> assertThat(bad).hasBinaryMasks())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "expected binary masks (every entry exactly 0 or 1) but 9 entries are not: ")
        .hasMessageContaining(" holds 2 at flat index 0; ")
        .hasMessageContaining(" holds 0.5 at flat index 1; ");
  }

  @Test
  void prunedWeightsOfRealTicketsAreInactive() {
    assertThat(Tickets.half()).hasInactivePrunedWeights();
    assertThat(Tickets.dense()).hasInactivePrunedWeights();
    assertThat(Tickets.dense().prune(MaskPolicies.random(3), 0.9, null, 3))
        .hasInactivePrunedWeights();
  }

  @Test
  void predictionsMatchAfterASaveAndLoadRoundTripButNotAnotherTicket() throws Exception {
    Path file = dir.resolve("half.stkt");
    Tickets.half().save(file);
    SuperTicket back = SuperTicket.load(file);
    INDArray images = Tensors.uniform(new SplittableRandom(2), 0, 1, DataType.FLOAT, 4, 28, 28, 1);
    assertThat(back).predictsLike(Tickets.half(), images, 0);
    SuperTicket other = Tickets.dense().prune(MaskPolicies.magnitude(), 0.9, null, 1);
    assertThatThrownBy(() -> assertThat(other).predictsLike(Tickets.half(), images, 1e-5))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "expected predictions within 1e-05 of the other ticket's on 4 images but they "
                + "differ by up to ")
        .hasMessageMatching("(?s).*\\(image \\d, output \\d: \\S+ vs \\S+\\)");
  }

  @Test
  void aLoadedTicketIsBitIdenticalAndAnotherPruneIsNot() throws Exception {
    Path file = dir.resolve("half.stkt");
    Tickets.half().save(file);
    assertThat(SuperTicket.load(file)).isBitIdenticalTo(Tickets.half());
    SuperTicket other = Tickets.dense().prune(MaskPolicies.magnitude(), 0.6, null, 1);
    assertThatThrownBy(() -> assertThat(other).isBitIdenticalTo(Tickets.half()))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("mask ")
        .hasMessageContaining("differs from the other ticket's at entry");
  }

  @Test
  void accuracyBoundsPassAndFailNamingTheData() {
    Dataset test = EmbeddedFashionMnist.test().subset(0, 64);
    assertThat(Tickets.half()).hasAccuracyAtLeast(test, 0);
    assertThatThrownBy(() -> assertThat(Tickets.half()).hasAccuracyAtLeast(test, 0.99))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "expected accuracy at least 0.99 on " + test.name() + " (64 images) but was ");
  }

  @Test
  void masksNavigateToMaskAssertions() {
    assertThat(Tickets.half()).masks().isBinary().hasExactSparsity(0.5).keepsWeightsInEveryTensor();
    assertThatThrownBy(() -> assertThat(Tickets.half()).masks().hasPrunedCount(1))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "expected exactly 1 pruned entries but found 3,688 (3,688 of 7,376 entries pruned in");
  }

  @Test
  void descriptionsPrefixTheMessageAndNullTicketsFail() {
    assertThatThrownBy(() -> assertThat(Tickets.half()).as("my ticket").hasSparsityAtLeast(0.9))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("[my ticket] expected sparsity at least 0.9");
    assertThatThrownBy(() -> assertThat(Tickets.half()).as("my ticket").masks().hasPrunedCount(0))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("[my ticket] expected exactly 0 pruned entries");
    assertThatThrownBy(() -> assertThat((SuperTicket) null).hasSparsityAtLeast(0.1))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expecting actual not to be null");
    assertThatThrownBy(() -> assertThat(Tickets.half()).hasSparsityAtLeast(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minimum sparsity must be in [0, 1], got 1.5");
  }

  /**
   * A copy of {@code t} whose first mask was changed by {@code edit} (the state is not validated).
   */
  private static SuperTicket withFirstMask(
      SuperTicket t, java.util.function.Consumer<INDArray> edit) {
    Map<String, INDArray> masks = new LinkedHashMap<>();
    t.state().masks().forEach((k, v) -> masks.put(k, v.dup()));
    INDArray first = masks.values().iterator().next();
    Assertions.assertThat(first.length()).isGreaterThanOrEqualTo(9);
    edit.accept(first);
    NetworkState state =
        new NetworkState(t.state().values(), ImmutableMap.copyOf(masks), t.state().stats());
    return new SuperTicket(t.space(), t.architecture(), state, t.normalization(), t.provenance());
  }
}

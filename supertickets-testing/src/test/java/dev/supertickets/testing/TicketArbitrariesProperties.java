package dev.supertickets.testing;

import static dev.supertickets.testing.TicketAssertions.assertThat;
import static dev.supertickets.testing.TicketAssertions.assertThatMask;
import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.space.SearchableBlock;
import dev.supertickets.supernet.Architecture;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import java.util.Arrays;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple3;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The arbitraries generate what they promise, and the assertions hold on what they generate. */
class TicketArbitrariesProperties {
  private static final SearchSpace TINY = SearchSpaces.tiny28();

  @BeforeContainer
  static void backend() {
    Backend.init();
  }

  @Provide
  Arbitrary<Tuple3<int[], Double, INDArray>> masksAtSparsity() {
    return Combinators.combine(TicketArbitraries.maskShapes(), TicketArbitraries.sparsities())
        .flatAs((shape, s) -> TicketArbitraries.masks(shape, s).map(m -> Tuple.of(shape, s, m)));
  }

  @Property(tries = 200)
  void masksHaveTheShapeAndTheExactPruneCount(
      @ForAll("masksAtSparsity") Tuple3<int[], Double, INDArray> t) {
    long[] shape = Arrays.stream(t.get1()).asLongStream().toArray();
    assertThat(t.get3().shape()).containsExactly(shape);
    assertThatMask(t.get3()).isBinary().hasExactSparsity(t.get2());
  }

  @Provide
  Arbitrary<INDArray> anyMasks() {
    return TicketArbitraries.maskShapes().flatMap(TicketArbitraries::masks);
  }

  @Property(tries = 100)
  void masksOfAnyCountAreBinary(@ForAll("anyMasks") INDArray mask) {
    assertThatMask(mask).isBinary();
    assertThat(mask.length()).isBetween(1L, 6L * 6 * 6 * 6);
  }

  @Provide
  Arbitrary<Double> sparsities() {
    return TicketArbitraries.sparsities();
  }

  @Property(tries = 100)
  void sparsitiesAreAcceptedByEveryPolicy(@ForAll("sparsities") double s) {
    assertThat(s).isGreaterThanOrEqualTo(0).isLessThan(1);
    assertThat(Math.round(s * 1000) / 1000.0).isEqualTo(s);
  }

  @Property(tries = 8)
  void magnitudePruningHitsTheRequestedSparsity(@ForAll("sparsities") double s) {
    SuperTicket pruned = Tickets.dense().prune(MaskPolicies.magnitude(), s, null, 1);
    assertThat(pruned)
        .hasSparsity(s, 1.0 / 7_376)
        .hasBinaryMasks()
        .isSubnetworkOf(TINY)
        .masks()
        .hasExactSparsity(s);
  }

  @Provide
  Arbitrary<SearchSpace> spaces() {
    return TicketArbitraries.searchSpaces();
  }

  @Property(tries = 200)
  void searchSpacesStayWithinTheirBounds(@ForAll("spaces") SearchSpace space) {
    assertThat(space.input().height()).isBetween(1, 28);
    assertThat(space.input().width()).isBetween(1, 28);
    // 16 channels per layer; a dense head's transform block may output up to twice that
    assertThat(space.blocks()).allSatisfy(b -> assertThat(b.oup()).isLessThanOrEqualTo(2 * 16));
    assertThat(SearchSpace.fromJson(space.toJson())).isEqualTo(space);
  }

  @Provide
  Arbitrary<Architecture> cuts() {
    return TicketArbitraries.architectures(TINY);
  }

  @Property(tries = 100)
  void architecturesAreCutsOfTheirSpace(@ForAll("cuts") Architecture cut) {
    assertThat(cut.hidden().keySet())
        .containsExactlyElementsOf(TINY.blocks().stream().map(SearchableBlock::name).toList());
    for (SearchableBlock b : TINY.blocks()) {
      for (int p = 0; p < b.paths().size(); p++) {
        assertThat(cut.of(b.name()).get(p)).isBetween(0, b.paths().get(p).hiddenChannels());
      }
    }
  }

  @Provide
  Arbitrary<SuperTicket> tickets() {
    return TicketArbitraries.tickets();
  }

  @Property(tries = 12)
  void generatedTicketsAreSoundSubnetworks(@ForAll("tickets") SuperTicket ticket) {
    assertThat(ticket)
        .isSubnetworkOf(ticket.space())
        .hasBinaryMasks()
        .hasInactivePrunedWeights()
        .hasMacsAtMost(ticket.space().cost().macs());
  }
}

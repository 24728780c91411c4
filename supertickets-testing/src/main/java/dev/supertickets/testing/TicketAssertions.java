package dev.supertickets.testing;

import static com.google.common.base.Preconditions.checkArgument;

import dev.supertickets.mask.MaskSet;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.Param;
import dev.supertickets.ticket.SuperTicket;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Entry points of the AssertJ assertions for tickets, networks and masks. Import them statically
 * next to AssertJ's own {@code assertThat}; overloads resolve by type:
 *
 * <pre>{@code
 * assertThat(ticket).hasSparsityAtLeast(0.8).hasMacsAtMost(400_000).isSubnetworkOf(space)
 *     .hasBinaryMasks().hasInactivePrunedWeights();
 * }</pre>
 */
public final class TicketAssertions {
  private TicketAssertions() {}

  /** Assertions on a ticket. */
  public static SuperTicketAssert assertThat(SuperTicket ticket) {
    return new SuperTicketAssert(ticket);
  }

  /**
   * Assertions on a network, such as {@link SuperTicket#network()} or one with layers of your own.
   */
  public static NetworkAssert assertThat(Module network) {
    return new NetworkAssert(network);
  }

  /** Assertions on a mask snapshot. */
  public static MaskAssert assertThat(MaskSet masks) {
    if (masks == null) {
      return new MaskAssert(null);
    }
    Map<String, INDArray> byName = new LinkedHashMap<>();
    for (String name : masks.names()) {
      byName.put(name, masks.mask(name));
    }
    return new MaskAssert(byName);
  }

  /**
   * Assertions on computed masks, e.g. the result of {@link
   * dev.supertickets.mask.MaskPolicy#masks}.
   */
  public static MaskAssert assertThatMasks(Map<Param, ? extends INDArray> masks) {
    if (masks == null) {
      return new MaskAssert(null);
    }
    Map<String, INDArray> byName = new LinkedHashMap<>();
    masks.forEach(
        (p, m) ->
            checkArgument(
                byName.put(p.name(), m) == null,
                "two masked parameters are named %s; names must be unique",
                p.name()));
    return new MaskAssert(byName);
  }

  /** Assertions on one mask array, reported under the name {@code "mask"}. */
  public static MaskAssert assertThatMask(INDArray mask) {
    return new MaskAssert(mask == null ? null : Map.of("mask", mask));
  }
}

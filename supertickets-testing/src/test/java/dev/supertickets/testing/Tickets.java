package dev.supertickets.testing;

import dev.supertickets.data.Normalization;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.supernet.HrSupernet;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.Provenance;
import dev.supertickets.ticket.SuperTicket;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Cheap tickets shared by the tests: the untrained tiny28 supernet, dense and pruned by magnitude.
 */
final class Tickets {
  private static SuperTicket dense;
  private static SuperTicket half;

  private Tickets() {}

  /** The untrained tiny28 supernet (seed 1) as a ticket without masks. */
  static synchronized SuperTicket dense() {
    if (dense == null) {
      Backend.init();
      dense =
          SuperTicket.of(
              new HrSupernet(SearchSpaces.tiny28(), new SplittableRandom(1)),
              Normalization.identity(1),
              Provenance.of(Map.of("method", "test")));
    }
    return dense;
  }

  /** {@link #dense()} with half of its prunable weights pruned by global magnitude. */
  static synchronized SuperTicket half() {
    if (half == null) {
      half = dense().prune(MaskPolicies.magnitude(), 0.5, null, 1);
    }
    return half;
  }
}

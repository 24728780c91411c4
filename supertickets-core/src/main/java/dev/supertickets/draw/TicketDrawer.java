package dev.supertickets.draw;

import dev.supertickets.data.Dataset;
import dev.supertickets.ticket.SuperTicket;

/**
 * Draws a ticket from training data: the strategy, like Tribuo's {@code Trainer}; the {@link
 * SuperTicket} is the result. Implementations are configured by their builders and are reusable:
 * every call starts from the seed.
 */
public interface TicketDrawer {
  /**
   * Draws a ticket trained on {@code train}; {@code test} (may be null) is evaluated along the way
   * and never trained on.
   */
  SuperTicket draw(Dataset train, Dataset test);
}

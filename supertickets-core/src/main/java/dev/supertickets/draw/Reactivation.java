package dev.supertickets.draw;

/**
 * How pruned connections come back during a draw (SuperTickets §3.5).
 *
 * <ul>
 *   <li>{@link #REFERENCE} (default, as the official code): every architecture shrink rebuilds the
 *       blocks and resets the masks of their pointwise, depthwise and pointwise-linear convolutions
 *       to 1; the next prune event re-selects globally among all weights, masked ones included, by
 *       their stored magnitudes.
 *   <li>{@link #RESET}: after every prune event (but the last) all masks return to 1, so training
 *       between events is dense ({@code reset_mask: True}).
 *   <li>{@link #REUSE}: masks survive shrinks ({@code reuse_mask: True}); they change only at prune
 *       events.
 * </ul>
 */
public enum Reactivation {
  /**
   * As the official code: shrinks reset the masks of the rebuilt blocks; the next prune event
   * re-selects globally.
   */
  REFERENCE,
  /** All masks return to 1 after every prune event but the last. */
  RESET,
  /** Masks survive shrinks and change only at prune events. */
  REUSE
}

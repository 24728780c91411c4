/**
 * Drawing tickets: a {@link dev.supertickets.draw.TicketDrawer} turns training data into a {@link
 * dev.supertickets.ticket.SuperTicket}. {@link dev.supertickets.draw.SuperTicketsDrawer} is the
 * method of the paper, one training run that both searches the architecture (the {@link
 * dev.supertickets.draw.ResourcePenalty}, a resource-aware L1 term on BN scales, drives channels to
 * zero and the drawer cuts them out) and prunes the weights progressively to a target sparsity with
 * any {@link dev.supertickets.mask.MaskPolicy}; {@link dev.supertickets.draw.Reactivation} decides
 * how pruned weights come back. Every setting and one seed are recorded in the ticket's provenance,
 * so a draw is reproducible bit for bit on the same backend. Progress reaches a {@link
 * dev.supertickets.draw.DrawListener} (e.g. {@link dev.supertickets.draw.ConsoleProgress}) instead
 * of log lines.
 */
package dev.supertickets.draw;

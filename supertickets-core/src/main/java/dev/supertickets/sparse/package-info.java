/**
 * Sparse training and lottery-ticket drawers: IMP, GMP, SET/RigL, Sup-tickets, Early-bird. Each is
 * a {@link dev.supertickets.draw.TicketDrawer} over the supernet of a {@link
 * dev.supertickets.space.SearchSpace}, built on the library's training recipe ({@link
 * dev.supertickets.ticket.Retrainer}, with {@link dev.supertickets.train.StepHook}s that change
 * masks while the weights train and {@link dev.supertickets.train.Regularizer}s for extra loss
 * terms) and on its masks ({@code dev.supertickets.mask}), so that their tickets compare with
 * SuperTickets' own on equal terms:
 *
 * <ul>
 *   <li>{@link dev.supertickets.sparse.ImpDrawer}: iterative magnitude pruning with weight
 *       rewinding (lottery tickets, Frankle et al.), every level kept;
 *   <li>{@link dev.supertickets.sparse.GmpDrawer}: gradual magnitude pruning with the cubic
 *       schedule of Zhu and Gupta, in one training run;
 *   <li>{@link dev.supertickets.sparse.EarlyBirdDrawer}: Early-bird channel tickets (You et al.),
 *       found from the convergence of network-slimming masks early in training, then cut physically
 *       and retrained;
 *   <li>dynamic sparse training (SET, RigL) and Sup-tickets.
 * </ul>
 *
 * <p>Every drawer is reproducible from its one seed (the same seed gives bit-identical tickets on
 * the same backend) and records its method and every setting in the ticket's provenance.
 */
package dev.supertickets.sparse;

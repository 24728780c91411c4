/**
 * Elastic lottery tickets (E-LTH, Chen et al., NeurIPS 2021): a ticket found once on one member of
 * a family of chain networks is stretched to a deeper member or squeezed to a shallower one by
 * replicating or dropping whole blocks of each stage, weights, masks, BN statistics and cut
 * architecture together, then trained once on the target. {@link
 * dev.supertickets.elastic.BlockMapping} says which source block goes where (E-LTH's {@code
 * "0:0;1:1,2;2:3,4"} strings and the paper's default stretch and squeeze); {@link
 * dev.supertickets.elastic.ElasticTickets} applies it to a {@link
 * dev.supertickets.ticket.SuperTicket}. The family is typically {@link
 * dev.supertickets.space.SearchSpaces#resnetStyle28(int, int)} over depths 14 to 56; multi-branch
 * (HRNet-style) spaces are refused.
 */
package dev.supertickets.elastic;

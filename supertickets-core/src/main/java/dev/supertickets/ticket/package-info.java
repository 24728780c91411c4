/**
 * The result of a draw: an immutable {@link dev.supertickets.ticket.SuperTicket} (search space,
 * searched architecture, weights, masks, BN statistics, input normalisation and {@link
 * dev.supertickets.ticket.Provenance}) that predicts, evaluates, prunes further, retrains with
 * fixed masks ({@link dev.supertickets.ticket.Retrainer}) and compacts itself into a dense network.
 * {@link dev.supertickets.ticket.TicketFile} is its file format: a versioned, checksummed archive
 * that NumPy can open, written atomically; version 1 files stay loadable by every later release.
 * {@link dev.supertickets.ticket.DataChecks} holds the data checks every training entry point runs
 * first.
 */
package dev.supertickets.ticket;

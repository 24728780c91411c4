/**
 * Trainable supernets built from a {@link dev.supertickets.space.SearchSpace}: {@link
 * dev.supertickets.supernet.HrSupernet} follows the space's layout (stem, HR-NAS multi-branch
 * stages or a single-branch chain, head) and makes every searchable block an {@link
 * dev.supertickets.supernet.InvertedResidualChannels}, whose parallel paths (one per kernel size)
 * lose hidden channels when the search cuts them. What is left is an {@link
 * dev.supertickets.supernet.Architecture}, which together with its space rebuilds the cut network;
 * a ticket stores exactly that pair.
 */
package dev.supertickets.supernet;

/**
 * Search spaces: immutable descriptions of the supernets SuperTickets searches and prunes, with no
 * dependency on ND4J. A {@link dev.supertickets.space.SearchSpace} holds the input, a fixed stem, a
 * body of searchable blocks (HR-NAS multi-branch stages with neighbour-only fuse modules, or a
 * single-branch MobileNetV2-style chain), the searchable block ({@link
 * dev.supertickets.space.BlockSpec}: an inverted residual with one parallel path per kernel size)
 * and a classification or dense-prediction head. From it the package derives, without building a
 * network, the explicit graph a supernet builder follows ({@link
 * dev.supertickets.space.SupernetLayout}: every {@link dev.supertickets.space.SearchableBlock} with
 * a stable name, its channels, stride, resolutions, paths, residual and the inputs it reads, in the
 * reference's order) and the dense cost ({@link dev.supertickets.space.SupernetCost}: MACs and
 * parameters counted like the reference profiler, and the resource-aware penalty of every path).
 * These reproduce the reference ImageNet supernet exactly (2,422,799,760 MACs, 13,039,360
 * parameters, 67 blocks, 201 paths, 47,952 hidden channels). {@link
 * dev.supertickets.space.SearchSpaces} has presets from a tiny test space to the ImageNet one, and
 * every space round-trips through a strict, versioned JSON form.
 */
package dev.supertickets.space;

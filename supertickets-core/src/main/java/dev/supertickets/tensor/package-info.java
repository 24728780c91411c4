/**
 * ND4J plumbing that the rest of the library relies on: {@link dev.supertickets.tensor.Backend}
 * picks and loads the fastest CPU build of {@code nd4j-native} this machine runs and must run
 * before anything else touches ND4J (built with {@code -Pcuda}, ND4J uses its CUDA backend
 * instead); {@link dev.supertickets.tensor.Workspaces} scopes the temporaries of a training step in
 * a reused workspace; {@link dev.supertickets.tensor.RandomStreams} splits a run's one seed into
 * independent streams by purpose, so no global random generator is ever used; {@link
 * dev.supertickets.tensor.Tensors} holds seeded initialisation and small helpers.
 */
package dev.supertickets.tensor;

package dev.supertickets.parallel;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.data.Dataset;

/**
 * How one replica of a data-parallel draw takes part: its {@link Collective} and the averaging
 * interval K. With K = 1 the replicas average their gradients before every optimizer step
 * (synchronous data parallel, as PyTorch's DDP); with K > 1 each trains K steps alone and then the
 * replicas average their whole training state (weights, optimizer moments, EMA shadows, BN running
 * statistics: local SGD, as DL4J's parameter averaging). Every replica trains on its shard (every
 * {@code size}-th image from {@code rank}, all shards of one size) with the global batch divided
 * among the replicas, so one step of all replicas sees one global batch.
 *
 * @param collective this replica's link to the others
 * @param interval K, the steps between averaging rounds (1: gradients every step)
 */
public record DataParallel(Collective collective, int interval) {
  /** Checks the interval. */
  public DataParallel {
    checkNotNull(
        collective, "collective must not be null; use Collective.single() for one replica");
    checkArgument(
        interval >= 1,
        "averaging interval must be at least 1 (1: gradients every step), got %s",
        interval);
  }

  /** The number of replicas. */
  public int replicas() {
    return collective.size();
  }

  /** Whether gradients are averaged every step (K = 1). */
  public boolean averagesGradients() {
    return interval == 1;
  }

  /**
   * This replica's shard of {@code train}: images {@code rank, rank + size, ...}, as many as every
   * other shard has (the last {@code n mod size} images go unused); the data set itself for one
   * replica.
   */
  public Dataset shard(Dataset train) {
    int size = collective.size();
    if (size == 1) {
      return train;
    }
    int each = train.size() / size;
    checkArgument(
        each > 0,
        "%s has %s images, fewer than the %s replicas; use fewer replicas or more data",
        train.name(),
        train.size(),
        size);
    int[] idx = new int[each];
    for (int i = 0; i < each; i++) {
      idx[i] = collective.rank() + i * size;
    }
    return train.subset(idx).withName(train.name() + "-shard-" + collective.rank() + "-of-" + size);
  }

  /** The batch one replica trains on when the global batch is {@code globalBatch}. */
  public int replicaBatch(int globalBatch) {
    checkArgument(
        globalBatch % collective.size() == 0,
        "the batch size %s does not divide among %s replicas; use a multiple of %s",
        globalBatch,
        collective.size(),
        collective.size());
    return globalBatch / collective.size();
  }
}

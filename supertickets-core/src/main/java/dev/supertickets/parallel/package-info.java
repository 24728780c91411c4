/**
 * Data-parallel draws: replicas of one draw, each training on its shard of the data, kept in step
 * through a {@link dev.supertickets.parallel.Collective} (gradients averaged before every optimizer
 * step, or the whole training state every K steps). The cluster that runs the replicas is the
 * caller's: the Spark module's barrier stage is one; {@link
 * dev.supertickets.parallel.Collective#inMemory(int)} runs them as threads of one JVM.
 */
package dev.supertickets.parallel;

package dev.supertickets.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.data.BatchIterator;
import dev.supertickets.data.Loader;
import dev.supertickets.internal.PathLanes;
import dev.supertickets.nn.BatchNorm;
import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.Modules;
import dev.supertickets.tensor.Workspaces;
import org.nd4j.linalg.api.memory.MemoryWorkspace;

/**
 * Re-estimates every BN layer's running statistics as a cumulative average over a few training
 * batches, as the reference does before each evaluation (its weights, often EMA weights, no longer
 * match the running stats).
 */
public final class BnCalibration {
  private BnCalibration() {}

  /**
   * Resets the running statistics of every BN layer in {@code model}, then averages them over the
   * first {@code batches} batches (at least 1) of {@code loader}'s epoch {@code epochForOrder},
   * which fixes the batch order.
   */
  public static void recalibrate(Module model, Loader loader, int batches, int epochForOrder) {
    checkNotNull(model, "model must not be null");
    checkNotNull(loader, "calibration loader must not be null");
    checkArgument(batches > 0, "calibration needs at least one batch, got %s", batches);
    for (BatchNorm bn : Modules.ofType(model, BatchNorm.class)) {
      bn.resetRunningStats();
    }
    BatchIterator it = loader.epoch(epochForOrder);
    for (int i = 0; i < batches && it.hasNext(); i++) {
      var b = it.next();
      try (MemoryWorkspace ignored = Workspaces.step();
          PathLanes lanes = PathLanes.open()) {
        model.forward(b.x(), Mode.CALIBRATE);
      }
    }
  }
}

package dev.supertickets.nn;

import dev.supertickets.tensor.Workspaces;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Counts multiply-accumulates and parameters of a module tree with the reference profiler's
 * conventions: convolutions {@code H_out·W_out·k²·cIn·cOut/groups}, linear layers {@code in·out},
 * BN, activations, pooling and resizing not counted. Spatial sizes come from one eval-mode forward
 * pass on a zero image.
 */
public final class Profiler {
  private Profiler() {}

  /** MACs and parameter counts of one image, dense and counting only active weights. */
  public record Cost(long macs, long sparseMacs, long params, long sparseParams) {}

  /** Runs one forward pass on a zero image of the given size and returns the cost. */
  public static Cost profile(Module model, int height, int width, int channels) {
    try (MemoryWorkspace ignored = Workspaces.step()) {
      model.forward(
          Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, height, width, channels),
          Mode.EVAL);
    }
    return lastCost(model);
  }

  /** The cost as of the last forward pass (no new pass). */
  public static Cost lastCost(Module model) {
    long macs = 0;
    long sparse = 0;
    for (Module m : Modules.all(model)) {
      if (m instanceof Conv2d c) {
        macs += c.macs();
        sparse += c.sparseMacs();
      } else if (m instanceof Linear l) {
        macs += l.weight().size();
        sparse += l.weight().activeCount();
      }
    }
    long params = 0;
    long sparseParams = 0;
    for (Param p : model.params()) {
      params += p.size();
      sparseParams += p.activeCount();
    }
    return new Cost(macs, sparse, params, sparseParams);
  }
}

package dev.supertickets.train;

import dev.supertickets.nn.Param;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Updates parameters in place from their gradients. State (momentum buffers, moment estimates) is
 * kept per parameter and exposed so that a supernet can slice it when it cuts channels out of a
 * parameter.
 */
public interface Optimizer {
  /** One update of every parameter at learning rate {@code lr}. */
  void step(List<Param> params, double lr);

  /**
   * The state arrays of a parameter (same shape as the parameter), empty before its first update.
   */
  List<INDArray> state(Param p);

  /** Replaces a parameter's state, e.g. with slices after a channel cut; arrays are copied. */
  void setState(Param p, List<INDArray> state);

  /** Number of updates done so far. */
  long steps();

  /** Continues from a recorded number of updates (resumed runs); bias corrections depend on it. */
  void setSteps(long steps);
}

package dev.supertickets.tensor;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Workspace scopes for the hot loops. Every temporary of a training or evaluation step is allocated
 * in a reused workspace that is reset when the step ends; without it a step cost 2 to 7 times as
 * much on this engine, mostly in allocation. Long-lived arrays (parameters, gradients, optimizer
 * state, running statistics) are created detached and updated in place.
 */
public final class Workspaces {
  private static final WorkspaceConfiguration STEP =
      WorkspaceConfiguration.builder()
          .initialSize(0)
          .overallocationLimit(0.1)
          .policyAllocation(AllocationPolicy.OVERALLOCATE)
          .policyLearning(LearningPolicy.OVER_TIME)
          .cyclesBeforeInitialization(1)
          .policyReset(ResetPolicy.BLOCK_LEFT)
          .policySpill(SpillPolicy.REALLOCATE)
          .build();

  private static final String STEP_ID = "supertickets-step";

  private Workspaces() {}

  /**
   * Opens the step workspace of this thread; close it (try-with-resources) at the end of the step.
   */
  public static MemoryWorkspace step() {
    return Nd4j.getWorkspaceManager().getAndActivateWorkspace(STEP, STEP_ID);
  }

  /**
   * Opens this thread's scratch workspace, nested in the step's: everything allocated in it is
   * reused as soon as it closes. For a backward pass whose result is consumed in place before the
   * scope ends (a block's paths), so that the temporaries of one part do not pile up for the whole
   * step.
   */
  public static MemoryWorkspace scratch() {
    return Nd4j.getWorkspaceManager().getAndActivateWorkspace(STEP, "supertickets-scratch");
  }

  /**
   * {@code a}, made in the scratch workspace, as an array that outlives the scratch scope: a copy
   * in the step workspace when that is open, else a detached copy.
   */
  public static INDArray keep(INDArray a) {
    // leverageTo hands back the scratch array itself when the step workspace is not open: copy it
    // out instead
    return Nd4j.getWorkspaceManager().checkIfWorkspaceExistsAndActive(STEP_ID)
        ? a.leverageTo(STEP_ID, true)
        : a.detach();
  }

  /**
   * Opens a scope in which allocations are detached from any workspace (for state that outlives a
   * step).
   */
  public static MemoryWorkspace outside() {
    return Nd4j.getWorkspaceManager().scopeOutOfWorkspaces();
  }
}

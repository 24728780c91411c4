package dev.supertickets.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Lets tests in other packages use the package-private {@link GradientChecker}. */
public final class GradientCheckerAccess {
  private GradientCheckerAccess() {}

  public static double maxRelativeError(Module m, INDArray x, long seed, int samples) {
    return GradientChecker.maxRelativeError(m, x, seed, samples);
  }
}

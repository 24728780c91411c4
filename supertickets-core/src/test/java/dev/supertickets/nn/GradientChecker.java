package dev.supertickets.nn;

import dev.supertickets.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Compares a module's hand-written backward pass with central finite differences, in double
 * precision, on the scalar {@code L = Σ G ⊙ forward(x)} for a fixed random G.
 */
final class GradientChecker {
  private static final int MAX_PARAMS = 24;

  private GradientChecker() {}

  private static double central(
      Function<INDArray, INDArray> forward, INDArray x, INDArray g, INDArray v, long i, double h) {
    double orig = v.getDouble(i);
    v.putScalar(i, orig + h);
    double lp = forward.apply(x).mul(g).sumNumber().doubleValue();
    v.putScalar(i, orig - h);
    double lm = forward.apply(x).mul(g).sumNumber().doubleValue();
    v.putScalar(i, orig);
    return (lp - lm) / (2 * h);
  }

  /**
   * Largest relative error over sampled entries of the input gradient and every parameter gradient.
   */
  static double maxRelativeError(Module m, INDArray x, long seed, int samples) {
    return maxRelativeError(
        xx -> m.forward(xx, Mode.TRAIN), m::backward, m.params(), x, seed, samples);
  }

  static double maxRelativeError(
      Function<INDArray, INDArray> forward,
      Function<INDArray, INDArray> backward,
      List<Param> params,
      INDArray x,
      long seed,
      int samples) {
    SplittableRandom rng = new SplittableRandom(seed);
    INDArray y = forward.apply(x);
    INDArray g = Tensors.gaussian(rng, 1, DataType.DOUBLE, y.shape());
    params.forEach(Param::zeroGrad);
    INDArray dx = backward.apply(g).dup();
    // the floor keeps round-off (about 1e-9 absolute here) from dominating near-zero gradients
    double worst = 0;
    List<INDArray[]> targets = new ArrayList<>();
    List<String> names = new ArrayList<>();
    targets.add(new INDArray[] {x, dx});
    names.add("input");
    List<Param> checked = new ArrayList<>(params);
    // large models: a seeded sample of the parameters keeps the check fast
    while (checked.size() > MAX_PARAMS) {
      checked.remove(rng.nextInt(checked.size()));
    }
    for (Param p : checked) {
      targets.add(new INDArray[] {p.value(), p.grad().dup()});
      names.add(p.name());
    }
    for (int ti = 0; ti < targets.size(); ti++) {
      INDArray[] t = targets.get(ti);
      INDArray v = t[0].reshape(t[0].length());
      INDArray analytic = t[1].reshape(t[1].length());
      for (int s = 0; s < samples; s++) {
        long i = rng.nextLong(v.length());
        double orig = v.getDouble(i);
        double numeric = central(forward, x, g, v, i, 1e-5);
        // a ReLU kink within the step makes the finite difference meaningless: skip such samples,
        // detected by disagreement between two step sizes
        if (Math.abs(numeric - central(forward, x, g, v, i, 2.5e-6))
            > 1e-4 * Math.max(1, Math.abs(numeric))) {
          continue;
        }
        double a = analytic.getDouble(i);
        double err = Math.abs(numeric - a) / Math.max(1e-3, Math.abs(numeric) + Math.abs(a));
        if (err > 1e-5 && System.getenv("ST_GRADCHECK_VERBOSE") != null) {
          System.out.printf(
              "gradcheck %s[%d]: numeric %.8g analytic %.8g%n", names.get(ti), i, numeric, a);
        }
        worst = Math.max(worst, err);
      }
    }
    forward.apply(x); // leave caches consistent with x
    return worst;
  }
}

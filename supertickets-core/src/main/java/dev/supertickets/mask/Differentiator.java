package dev.supertickets.mask;

import dev.supertickets.nn.BatchNorm;
import dev.supertickets.nn.Dropout;
import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.Modules;
import dev.supertickets.nn.Residual;
import dev.supertickets.nn.Sequential;
import dev.supertickets.tensor.Tensors;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One forward and backward pass of a model for scoring, with batch norm on its running statistics
 * ({@link BnStatistics#RUNNING}) or on batch statistics ({@link BnStatistics#BATCH}); see {@link BnStatistics}.
 * Parameter gradients accumulate into {@code Param.grad()} as in training. Call inside a workspace scope and
 * call {@code model.clearCache()} afterwards.
 */
final class Differentiator {
  private final Module model;
  private final BnStatistics statistics;
  /** Per batch norm: {@code [xhat, gamma · invStd]} of the last forward pass. */
  private final Map<BatchNorm, INDArray[]> tape = new IdentityHashMap<>();
  private final Map<Module, Boolean> modeDependent = new IdentityHashMap<>();

  Differentiator(Module model, BnStatistics statistics) {
    this.model = model;
    this.statistics = statistics;
    if (statistics == BnStatistics.RUNNING) {
      check(model);
    }
  }

  INDArray forward(INDArray x) {
    return statistics == BnStatistics.BATCH ? model.forward(x, Mode.TRAIN) : forward(model, x);
  }

  INDArray backward(INDArray gradOut) {
    return statistics == BnStatistics.BATCH ? model.backward(gradOut) : backward(model, gradOut);
  }

  /** Fails early (before anything is changed) on modules that cannot be differentiated in eval mode. */
  private void check(Module m) {
    if (m instanceof BatchNorm || m instanceof Dropout || !isModeDependent(m)) {
      return;
    }
    if (m instanceof Sequential || m instanceof Residual) {
      for (Module c : m.children()) {
        check(c);
      }
      return;
    }
    throw new IllegalArgumentException(String.format(
        "cannot differentiate %s in eval mode: it contains batch norm or dropout but is not a Sequential or "
            + "Residual of dev.supertickets.nn, so its running statistics cannot be used; score with "
            + "bnStatistics(BnStatistics.BATCH) instead", m.getClass().getName()));
  }

  private boolean isModeDependent(Module m) {
    return modeDependent.computeIfAbsent(m, k -> Modules.all(k).stream()
        .anyMatch(d -> d instanceof BatchNorm || d instanceof Dropout));
  }

  private INDArray forward(Module m, INDArray x) {
    if (m instanceof BatchNorm bn) {
      return batchNormForward(bn, x);
    }
    if (m instanceof Dropout) {
      return x;
    }
    if (!isModeDependent(m)) {
      return m.forward(x, Mode.TRAIN); // same function in both modes; TRAIN caches what backward needs
    }
    if (m instanceof Sequential) {
      INDArray h = x;
      for (Module c : m.children()) {
        h = forward(c, h);
      }
      return h;
    }
    List<Module> kids = m.children(); // a Residual: [body] or [body, shortcut]
    INDArray y = forward(kids.get(0), x);
    return kids.size() == 1 ? y.add(x) : y.add(forward(kids.get(1), x));
  }

  private INDArray backward(Module m, INDArray g) {
    if (m instanceof BatchNorm bn) {
      return batchNormBackward(bn, g);
    }
    if (m instanceof Dropout) {
      return g;
    }
    if (!isModeDependent(m)) {
      return m.backward(g);
    }
    if (m instanceof Sequential) {
      List<Module> kids = m.children();
      INDArray d = g;
      for (int i = kids.size() - 1; i >= 0; i--) {
        d = backward(kids.get(i), d);
      }
      return d;
    }
    List<Module> kids = m.children();
    INDArray d = backward(kids.get(0), g);
    return kids.size() == 1 ? d.add(g) : d.add(backward(kids.get(1), g));
  }

  /**
   * Eval-mode batch norm {@code y = γ · x̂ + β}, {@code x̂ = (x − μ) · invStd}. The layer keeps its epsilon
   * private, so {@code invStd} and {@code −μ · invStd} are read off its own eval-mode output for inputs 0 and 1
   * with {@code γ = 1, β = 0} set for the probe (and put back exactly).
   */
  private INDArray batchNormForward(BatchNorm bn, INDArray x) {
    int c = bn.channels();
    INDArray gamma = bn.gamma().value();
    INDArray beta = bn.beta().value();
    INDArray savedGamma = gamma.dup();
    INDArray savedBeta = beta.dup();
    INDArray probeOut;
    try {
      gamma.assign(1);
      beta.assign(0);
      INDArray probe = Nd4j.zeros(x.dataType(), 2, 1, 1, c);
      probe.get(NDArrayIndex.point(1)).assign(1);
      probeOut = bn.forward(probe, Mode.EVAL).reshape('c', 2, c);
    } finally {
      gamma.assign(savedGamma);
      beta.assign(savedBeta);
    }
    INDArray shiftHat = probeOut.getRow(0).reshape(1, c).dup();
    INDArray invStd = probeOut.getRow(1).reshape(1, c).sub(shiftHat);
    INDArray x2 = Tensors.rows(x);
    INDArray xhat = x2.mulRowVector(invStd).addiRowVector(shiftHat);
    INDArray y = xhat.mulRowVector(gamma).addiRowVector(beta);
    tape.put(bn, new INDArray[] {xhat, gamma.mul(invStd)});
    return y.reshape('c', x.shape());
  }

  private INDArray batchNormBackward(BatchNorm bn, INDArray g) {
    INDArray[] t = tape.get(bn);
    INDArray g2 = Tensors.rows(g);
    bn.gamma().accumulateGrad(Tensors.columnSums(g2.mul(t[0])));
    bn.beta().accumulateGrad(Tensors.columnSums(g2));
    return g2.mulRowVector(t[1]).reshape('c', g.shape());
  }
}

package dev.supertickets.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.supertickets.internal.SparseMatmul;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Tensors;
import dev.supertickets.tensor.Workspaces;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Matrix products as timed steps: float32 GEMM in ND4J and in PyTorch (the machine's measured
 * peak), and {@link SparseMatmul} against ND4J's dense GEMM on the same sparse weight. Each step's
 * work is {@code 2·m·k·n} floating-point operations, dense.
 */
final class MatmulStep {
  private MatmulStep() {}

  /** Floating-point operations of one dense {@code [m, k] · [k, n]} product. */
  static double flops(long m, long k, long n) {
    return 2.0 * m * k * n;
  }

  /**
   * ND4J's dense {@code [m, k] · [k, n]} into a C-ordered result (the route our 1x1 convolutions
   * take).
   */
  static TimedStep nd4jDense(int m, int k, int n, double sparsity, long seed) {
    Backend.init();
    INDArray[] xw = operands(m, k, n, sparsity, seed);
    return () -> {
      try (MemoryWorkspace ignored = Workspaces.step()) {
        Tensors.matmul(xw[0], xw[1], false, false);
      }
    };
  }

  /** {@link SparseMatmul} on the same operands as {@link #nd4jDense} with the same seed. */
  static TimedStep sparse(int m, int k, int n, double sparsity, long seed) {
    Backend.init();
    INDArray[] xw = operands(m, k, n, sparsity, seed);
    SparseMatmul s = SparseMatmul.of(xw[1]);
    return () -> {
      try (MemoryWorkspace ignored = Workspaces.step()) {
        s.multiply(xw[0]);
      }
    };
  }

  /** PyTorch's dense {@code [m, k] · [k, n]}. */
  static TorchMatmul torch(int m, int k, int n) {
    return new TorchMatmul(m, k, n);
  }

  private static INDArray[] operands(int m, int k, int n, double sparsity, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      INDArray x = Tensors.gaussian(rng, 1, DataType.FLOAT, m, k);
      INDArray w = Tensors.gaussian(rng, 1, DataType.FLOAT, k, n);
      if (sparsity > 0) {
        // unstructured: each weight is dropped independently with probability `sparsity`
        INDArray keep = Tensors.uniform(rng, 0, 1, DataType.FLOAT, k, n);
        w.muli(keep.gte(sparsity).castTo(DataType.FLOAT));
      }
      return new INDArray[] {x, w};
    }
  }

  /** PyTorch's float32 matmul on fixed random operands. */
  static final class TorchMatmul implements TimedStep, AutoCloseable {
    private final NDManager manager;
    private final NDArray a;
    private final NDArray b;

    TorchMatmul(int m, int k, int n) {
      manager =
          NDManager.newBaseManager(
              ai.djl.engine.Engine.getEngine(TorchStep.ENGINE).getEngineName());
      a = manager.randomNormal(new Shape(m, k));
      b = manager.randomNormal(new Shape(k, n));
    }

    @Override
    public void step() {
      try (NDManager m = manager.newSubManager()) {
        NDArray c = a.matMul(b);
        c.attach(m);
      }
    }

    @Override
    public void close() {
      manager.close();
    }
  }
}

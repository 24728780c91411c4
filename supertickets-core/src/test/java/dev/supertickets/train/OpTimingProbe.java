package dev.supertickets.train;

import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Tensors;
import dev.supertickets.tensor.Workspaces;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Micro-timings of candidate primitives (run with -Dst.excludedGroups=none -Dtest=OpTimingProbe).
 */
@Tag("probe")
class OpTimingProbe {
  static void time(String name, Runnable r) {
    for (int i = 0; i < 3; i++)
      try (MemoryWorkspace ws = Workspaces.step()) {
        r.run();
      }
    long best = Long.MAX_VALUE;
    int n = 10;
    for (int i = 0; i < n; i++)
      try (MemoryWorkspace ws = Workspaces.step()) {
        long s = System.nanoTime();
        r.run();
        best = Math.min(best, System.nanoTime() - s);
      }
    System.out.printf("%-44s best %7.2f ms%n", name, best / 1e6);
  }

  @Test
  void ops() {
    Backend.init();
    SplittableRandom r = new SplittableRandom(1);
    long m = 128 * 28 * 28;
    INDArray x = Tensors.gaussian(r, 1, DataType.FLOAT, m, 96);
    INDArray v = Tensors.gaussian(r, 1, DataType.FLOAT, 1, 96);
    INDArray onesRow = Nd4j.ones(DataType.FLOAT, 1, m);
    INDArray onesCol = Nd4j.ones(DataType.FLOAT, m, 1);
    time("x.mul(x)", () -> x.mul(x));
    time("x.mul(v) broadcast", () -> x.mul(v));
    time("x.mulRowVector(v)", () -> x.mulRowVector(v));
    time("ones row GEMM (prealloc ones)", () -> onesRow.mmul(x));
    time("ones row GEMM (new ones)", () -> Tensors.columnSums(x));
    time("x^T * onesCol", () -> x.transpose().mmul(onesCol));
    time("x.sum(0)", () -> x.sum(0));
    INDArray x4 = x.reshape(128, 28, 28, 96);
    time(
        "moments op axes 0,1,2",
        () -> {
          INDArray mean = Nd4j.createUninitialized(DataType.FLOAT, 96);
          INDArray var = Nd4j.createUninitialized(DataType.FLOAT, 96);
          Nd4j.exec(
              DynamicCustomOp.builder("moments")
                  .addInputs(x4)
                  .addOutputs(mean, var)
                  .addIntegerArguments(0, 1, 2)
                  .build());
        });
    INDArray g = Nd4j.ones(DataType.FLOAT, 96);
    INDArray b = Nd4j.zeros(DataType.FLOAT, 96);
    time(
        "batchnorm op NHWC apply",
        () -> {
          INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x4.shape());
          Nd4j.exec(
              DynamicCustomOp.builder("batchnorm")
                  .addInputs(x4, v.reshape(96), g, g, b)
                  .addOutputs(out)
                  .addIntegerArguments(1, 1, 3)
                  .addFloatingPointArguments(1e-3)
                  .build());
        });
    INDArray w = Tensors.gaussian(r, 1, DataType.FLOAT, 16, 96);
    INDArray a16 = Tensors.gaussian(r, 1, DataType.FLOAT, m, 16);
    time("mmul [M,16]x[16,96]", () -> a16.mmul(w));
    time("mmul [M,96]x[96,16]", () -> x.mmul(w.transpose()));
    time("mmul [16,M]x[M,96]", () -> a16.transpose().mmul(x));
    INDArray cOut = Nd4j.createUninitialized(DataType.FLOAT, new long[] {m, 96}, 'c');
    time("Nd4j.gemm into c-order", () -> Nd4j.gemm(a16, w, cOut, false, false, 1.0, 0.0));
    time("Nd4j.matmul op", () -> Nd4j.matmul(a16, w));
    time(
        "mmul into new c-order",
        () -> a16.mmul(w, Nd4j.createUninitialized(DataType.FLOAT, new long[] {m, 96}, 'c')));
    time("matmul op [M,96]x[96,16]", () -> Nd4j.matmul(x, w.transpose()));
    time(
        "matmul op x^T [16,M]x[M,96] (transposeA)",
        () -> Nd4j.matmul(a16, x, null, true, false, false));
    time("matmul op colsum onesRow x", () -> Nd4j.matmul(onesRow, x));
    time(
        "gemm colsum onesRow x into c",
        () ->
            Nd4j.gemm(
                onesRow,
                x,
                Nd4j.createUninitialized(DataType.FLOAT, new long[] {1, 96}, 'c'),
                false,
                false,
                1.0,
                0.0));
    time(
        "reduce_sum op dim0",
        () ->
            Nd4j.exec(
                DynamicCustomOp.builder("reduce_sum")
                    .addInputs(x)
                    .addOutputs(Nd4j.createUninitialized(DataType.FLOAT, 96))
                    .addIntegerArguments(0)
                    .build()));
    time("relu6 dup", () -> org.nd4j.linalg.ops.transforms.Transforms.relu6(x, true));
    time(
        "relu6 bwd via step*lt",
        () -> {
          INDArray p = org.nd4j.linalg.ops.transforms.Transforms.step(x, true);
          p.muli(x.lt(6.0).castTo(DataType.FLOAT));
          x.mul(p);
        });
    time(
        "relu6_bp op",
        () -> {
          INDArray o = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
          Nd4j.exec(
              DynamicCustomOp.builder("relu6_bp")
                  .addInputs(x, x)
                  .addOutputs(o)
                  .addFloatingPointArguments(0.0)
                  .build());
        });
    time(
        "relu_bp op",
        () -> {
          INDArray o = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
          Nd4j.exec(
              DynamicCustomOp.builder("relu_bp")
                  .addInputs(x, x)
                  .addOutputs(o)
                  .addFloatingPointArguments(0.0)
                  .build());
        });
  }
}

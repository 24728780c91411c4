package dev.supertickets.train;

import dev.supertickets.nn.*;
import dev.supertickets.nn.Module;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Tensors;
import dev.supertickets.tensor.Workspaces;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

@Tag("probe")
class LayerTimingProbe {
  static void time(String name, Module m, INDArray x) {
    INDArray[] g = new INDArray[1];
    for (int i = 0; i < 3; i++) {
      try (MemoryWorkspace ws = Workspaces.step()) {
        INDArray y = m.forward(x, Mode.TRAIN);
        m.backward(y);
      }
    }
    long f = 0, b = 0;
    int n = 8;
    for (int i = 0; i < n; i++) {
      try (MemoryWorkspace ws = Workspaces.step()) {
        long t0 = System.nanoTime();
        INDArray y = m.forward(x, Mode.TRAIN);
        long t1 = System.nanoTime();
        m.backward(y);
        long t2 = System.nanoTime();
        f += t1 - t0; b += t2 - t1;
      }
    }
    System.out.printf("%-28s fwd %7.2f ms  bwd %7.2f ms%n", name, f / 1e6 / n, b / 1e6 / n);
  }

  @Test
  void layers() {
    Backend.init();
    SplittableRandom r = new SplittableRandom(1);
    INDArray x1 = Tensors.gaussian(r, 1, DataType.FLOAT, 128, 28, 28, 1);
    INDArray x16 = Tensors.gaussian(r, 1, DataType.FLOAT, 128, 28, 28, 16);
    INDArray x96 = Tensors.gaussian(r, 1, DataType.FLOAT, 128, 28, 28, 96);
    time("stem conv3x3 1->16", Conv2d.builder("s", 1, 16, 3).init(r).build(), x1);
    time("pw 16->96", Conv2d.builder("p", 16, 96, 1).init(r).build(), x16);
    time("dw 3x3 96", Conv2d.builder("d", 96, 96, 3).depthwise().init(r).build(), x96);
    time("pwl 96->16", Conv2d.builder("l", 96, 16, 1).init(r).build(), x96);
    time("bn 96", new BatchNorm("b", 96), x96);
    time("bn 16", new BatchNorm("b", 16), x16);
    time("relu6 96", Activation.relu6(), x96);
    time("gap 16", new GlobalAvgPool(), x16);
    INDArray x32 = Tensors.gaussian(r, 1, DataType.FLOAT, 128, 28, 28, 16);
    time("conv3x3 16->32 s2", Conv2d.builder("c", 16, 32, 3).stride(2).init(r).build(), x32);
  }
}

package dev.supertickets.nn;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;

/** Small fixed networks used by the examples, the tests and the benchmarks. */
public final class Networks {
  private Networks() {}

  /**
   * A small CNN for 28x28 grey images: conv3x3 c→w, BN, ReLU; conv3x3 w→2w stride 2, BN, ReLU;
   * conv3x3 2w→2w stride 2, BN, ReLU; flatten; linear to the classes.
   */
  public static Sequential smallCnn(
      int channels, int width, int size, int classes, SplittableRandom rng) {
    checkNotNull(rng, "random stream must not be null; pass a seeded SplittableRandom");
    int s = (size + 1) / 2;
    s = (s + 1) / 2;
    return Sequential.of(
        Conv2d.builder("conv1", channels, width, 3).init(rng).build(),
        new BatchNorm("bn1", width, 0.1, 1e-5, DataType.FLOAT),
        Activation.relu(),
        Conv2d.builder("conv2", width, 2 * width, 3).stride(2).init(rng).build(),
        new BatchNorm("bn2", 2 * width, 0.1, 1e-5, DataType.FLOAT),
        Activation.relu(),
        Conv2d.builder("conv3", 2 * width, 2 * width, 3).stride(2).init(rng).build(),
        new BatchNorm("bn3", 2 * width, 0.1, 1e-5, DataType.FLOAT),
        Activation.relu(),
        new Flatten(),
        new Linear("classifier", s * s * 2 * width, classes, rng, DataType.FLOAT));
  }

  /**
   * The MobileNetV2-like network of the engine notes ("net2"): conv3x3 c→16, BN, ReLU6; {@code
   * blocks} inverted residual blocks 16→96→16 (1x1, BN, ReLU6, depthwise 3x3, BN, ReLU6, 1x1, BN,
   * add); global average pool; linear 16→classes.
   */
  public static Sequential net2(int channels, int blocks, int classes, SplittableRandom rng) {
    checkNotNull(rng, "random stream must not be null; pass a seeded SplittableRandom");
    List<Module> layers = new ArrayList<>();
    layers.add(Conv2d.builder("stem", channels, 16, 3).init(rng).build());
    layers.add(new BatchNorm("stem.bn", 16, 0.1, 1e-5, DataType.FLOAT));
    layers.add(Activation.relu6());
    for (int b = 0; b < blocks; b++) {
      String n = "block" + b;
      layers.add(
          Residual.identity(
              Sequential.of(
                  Conv2d.builder(n + ".pw", 16, 96, 1).init(rng).build(),
                  new BatchNorm(n + ".pw.bn", 96, 0.1, 1e-5, DataType.FLOAT),
                  Activation.relu6(),
                  Conv2d.builder(n + ".dw", 96, 96, 3).depthwise().init(rng).build(),
                  new BatchNorm(n + ".dw.bn", 96, 0.1, 1e-5, DataType.FLOAT),
                  Activation.relu6(),
                  Conv2d.builder(n + ".pwl", 96, 16, 1).init(rng).build(),
                  new BatchNorm(n + ".pwl.bn", 16, 0.1, 1e-5, DataType.FLOAT))));
    }
    layers.add(new GlobalAvgPool());
    layers.add(new Linear("classifier", 16, classes, rng, DataType.FLOAT));
    return new Sequential(layers);
  }
}

package dev.supertickets.bench;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * The PyTorch peer of network "net2" in DJL's block API, timed by {@link TorchStep}.
 *
 * <pre>
 *   conv3x3 1->16 (pad 1, no bias), BN, ReLU6
 *   2 x inverted residual:  x + BN(conv1x1 96->16( ReLU6(BN(dwconv3x3 96( ReLU6(BN(conv1x1 16->96(x))) ))) ))
 *   global average pool, linear 16->10
 * </pre>
 *
 * <p>Input is NCHW {@code [batch, 1, 28, 28]}, random normal; labels random in [0, 10).
 */
public final class TorchNet2 {

  /** Default batch size. */
  public static final int DEFAULT_BATCH = 128;

  /** Number of classes. */
  public static final int CLASSES = 10;

  /** Expansion width of the inverted residual blocks. */
  public static final int EXPANDED = 96;

  /** Width of the stem and of the residual stream. */
  public static final int WIDTH = 16;

  private TorchNet2() {}

  /**
   * The net2 training step at batch {@value #DEFAULT_BATCH}, seed 42.
   *
   * @return the step
   */
  public static TorchStep training() {
    return TorchStep.training(
        "net2-pytorch", net2(), new Shape(DEFAULT_BATCH, 1, 28, 28), CLASSES, 42);
  }

  /**
   * The net2 block, uninitialised.
   *
   * @return the block
   */
  public static Block net2() {
    SequentialBlock net = new SequentialBlock();
    net.add(conv(WIDTH, 3, 1)).add(bn()).add(relu6());
    net.add(invertedResidual());
    net.add(invertedResidual());
    net.add(Pool.globalAvgPool2dBlock());
    net.add(Linear.builder().setUnits(CLASSES).optBias(true).build());
    return net;
  }

  /**
   * One inverted residual block: 1x1 16->96, BN, ReLU6, depthwise 3x3 (96 groups), BN, ReLU6, 1x1
   * 96->16, BN, plus the block input.
   *
   * @return the block
   */
  static Block invertedResidual() {
    SequentialBlock body = new SequentialBlock();
    body.add(conv(EXPANDED, 1, 1)).add(bn()).add(relu6());
    body.add(conv(EXPANDED, 3, EXPANDED)).add(bn()).add(relu6());
    body.add(conv(WIDTH, 1, 1)).add(bn());
    return new ParallelBlock(
        branches ->
            new NDList(branches.get(0).singletonOrThrow().add(branches.get(1).singletonOrThrow())),
        List.of(body, Blocks.identityBlock()));
  }

  private static Block conv(int filters, int kernel, int groups) {
    return Conv2d.builder()
        .setFilters(filters)
        .setKernelShape(new Shape(kernel, kernel))
        .optStride(new Shape(1, 1))
        .optPadding(new Shape(kernel / 2, kernel / 2))
        .optGroups(groups)
        .optBias(false)
        .build();
  }

  private static Block bn() {
    // Channel axis 1 (NCHW). DJL's defaults are eps 1e-5 and momentum 0.9 in MXNet's
    // convention, which the PyTorch engine passes to torch::batch_norm as 1 - 0.9 = 0.1,
    // PyTorch's default. (With axis 1 the engine wraps the call in two no-op transposes: views,
    // no copies.)
    return BatchNorm.builder().optAxis(1).build();
  }

  private static Block relu6() {
    return LambdaBlock.singleton(a -> a.clip(0, 6), "relu6");
  }
}

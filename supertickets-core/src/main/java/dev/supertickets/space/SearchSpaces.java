package dev.supertickets.space;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * Ready-made search spaces. MACs and parameters below are computed by {@link SearchSpace#cost()}
 * (dense, batch 1; parameters in the reference profiler's convention, BN excluded, with the BN γ/β
 * count beside) and pinned by tests.
 */
public final class SearchSpaces {
  /** One path of kernel 3, expand ratio 1, ReLU: the block of the ResNet-style family. */
  private static final BlockSpec RESNET_STYLE_BLOCK =
      BlockSpec.of(List.of(3), 1.0, ActivationKind.RELU);

  private SearchSpaces() {}

  /**
   * The SuperTickets/HR-NAS stage setting: {@code [branches, blocks per branch, channels per
   * branch]}.
   */
  private static SearchSpace.Builder hrnasBody(SearchSpace.Builder b) {
    return b.stemLayer(24, 3, 2)
        .stemLayer(24, 3, 2)
        .stage(List.of(1), List.of(24))
        .stage(List.of(2, 2), List.of(18, 36))
        .stage(List.of(2, 2, 3), List.of(18, 36, 72))
        .stage(List.of(2, 2, 3, 4), List.of(18, 36, 72, 144))
        .stage(List.of(2, 2, 3, 4), List.of(18, 36, 72, 144))
        .block(BlockSpec.DEFAULT)
        .batchNorm(BatchNormSpec.DEFAULT);
  }

  /** The presets {@link #named} knows, by name. */
  public static final ImmutableList<String> NAMES =
      ImmutableList.of(
          "tiny28", "reference28", "default28", "mobilenetv2-chain28", "cifar32", "imagenet224");

  /**
   * A preset by name, one of {@link #NAMES}: {@code tiny28}, {@code reference28}, {@code
   * default28}, {@code mobilenetv2-chain28}, {@code cifar32} or {@code imagenet224}.
   *
   * @throws IllegalArgumentException for any other name, listing the presets
   */
  public static SearchSpace named(String name) {
    checkNotNull(name, "space name must not be null; use one of %s", NAMES);
    return switch (name.trim()) {
      case "tiny28" -> tiny28();
      case "reference28" -> reference28();
      case "default28" -> default28();
      case "mobilenetv2-chain28" -> mobileNetV2Chain28();
      case "cifar32" -> cifar32();
      case "imagenet224" -> imagenet224();
      default ->
          throw new IllegalArgumentException(
              "unknown search space "
                  + name
                  + "; use one of "
                  + NAMES
                  + " (or build one with SearchSpace.builder())");
    };
  }

  /**
   * A very small space for tests: 1x28x28 input, 10 classes; stem conv 1->8 stride 2 (branches at
   * 14x14 and 7x7); stages {@code [1 branch: 1 block, 4 ch]}, {@code [2 branches: 1+1 blocks, 4/8
   * ch]}; kernels 3, 5; expand 2; head channels 8/16, last 32, no dropout.
   *
   * <p>802,744 MACs; 7,706 params (+1,056 BN γ/β); 9 blocks, 18 paths, 208 searchable hidden
   * channels.
   */
  public static SearchSpace tiny28() {
    return SearchSpace.builder()
        .name("tiny28")
        .input(1, 28, 28)
        .stemLayer(8, 3, 2)
        .stage(List.of(1), List.of(4))
        .stage(List.of(1, 1), List.of(4, 8))
        .kernelSizes(3, 5)
        .expandRatio(2)
        .classificationHead(List.of(8, 16), 32, 0.0, 10)
        .build();
  }

  /**
   * The space of the examples, for 1x28x28 Fashion-MNIST (10 classes): stem conv 1->16 stride 1,
   * conv 16->16 stride 2 (input stride 2: branches at 14x14, 7x7, 4x4); stages {@code [1: 1 block,
   * 16]}, {@code [2: 1+1, 12/24]}, {@code [3: 1+1+2, 12/24/48]}; kernels 3, 5, 7; expand 2; head
   * channels 24/48/96, last 384, dropout 0.2.
   *
   * <p>15,753,336 MACs; 340,378 params (+13,688 BN γ/β); 20 blocks, 60 paths, 2,880 searchable
   * hidden channels.
   */
  public static SearchSpace default28() {
    return SearchSpace.builder()
        .name("default28")
        .input(1, 28, 28)
        .stemLayer(16, 3, 1)
        .stemLayer(16, 3, 2)
        .stage(List.of(1), List.of(16))
        .stage(List.of(1, 1), List.of(12, 24))
        .stage(List.of(1, 1, 2), List.of(12, 24, 48))
        .kernelSizes(3, 5, 7)
        .expandRatio(2)
        .classificationHead(List.of(24, 48, 96), 384, 0.2, 10)
        .build();
  }

  /**
   * The official SuperTickets code's supernet for Fashion-MNIST ({@code HighResolutionNet} as the
   * reference run builds it, see {@code official-code-fashion-mnist.md}): 1x28x28, stem two 3x3
   * stride-2 convs 1->16->16 (input stride 4: branches at 7x7 and 4x4), stages {@code [1: 1 block,
   * 16]}, {@code [2: 1+1, 16/32]}; kernels 3, 5, 7; expand 4; ReLU; BN (0.01, 1e-3); head channels
   * 32/64, last 256, dropout 0.2; 10 classes.
   *
   * <p>6,189,344 MACs and 226,650 params: the official profiler's numbers; 9 blocks, 27 paths,
   * 2,304 searchable hidden channels.
   */
  public static SearchSpace reference28() {
    return SearchSpace.builder()
        .name("reference28")
        .input(1, 28, 28)
        .stemLayer(16, 3, 2)
        .stemLayer(16, 3, 2)
        .stage(List.of(1), List.of(16))
        .stage(List.of(1, 1), List.of(16, 32))
        .block(BlockSpec.DEFAULT)
        .batchNorm(BatchNormSpec.DEFAULT)
        .classificationHead(List.of(32, 64), 256, 0.2, 10)
        .build();
  }

  /**
   * An HR-NAS-like space for 3x32x32 images (CIFAR-10, 10 classes): stem conv 3->24 stride 1, conv
   * 24->24 stride 2 (branches at 16x16, 8x8, 4x4); the first three HR-NAS stages ({@code [1: 1,
   * 24]}, {@code [2: 2+2, 18/36]}, {@code [3: 2+2+3, 18/36/72]}); kernels 3, 5, 7; expand 4; head
   * channels 36/72/144, last 512, dropout 0.2.
   *
   * <p>90,438,272 MACs; 1,563,138 params (+46,684 BN γ/β); 25 blocks, 75 paths, 10,800 searchable
   * hidden channels.
   */
  public static SearchSpace cifar32() {
    return SearchSpace.builder()
        .name("cifar32")
        .input(3, 32, 32)
        .stemLayer(24, 3, 1)
        .stemLayer(24, 3, 2)
        .stage(List.of(1), List.of(24))
        .stage(List.of(2, 2), List.of(18, 36))
        .stage(List.of(2, 2, 3), List.of(18, 36, 72))
        .kernelSizes(3, 5, 7)
        .expandRatio(4)
        .classificationHead(List.of(36, 72, 144), 512, 0.2, 10)
        .build();
  }

  /**
   * The SuperTickets/HR-NAS ImageNet supernet ({@code cls_imagenet_g_*.yml}): 3x224x224, stem two
   * 3x3 stride-2 convs to 24 channels (input stride 4), stages {@code [1: 1, 24]}, {@code [2: 2+2,
   * 18/36]}, {@code [3: 2+2+3, 18/36/72]}, {@code [4: 2+2+3+4, 18/36/72/144]} twice, kernels 3, 5,
   * 7, expand 4, ReLU, BN (0.01, 1e-3), head channels 36/72/144/320, last 1600, dropout 0.2, 1000
   * classes.
   *
   * <p>2,422,799,760 MACs and 13,039,360 params (+204,508 BN γ/β): exactly the reference's profiled
   * numbers; 67 blocks, 201 paths, 47,952 searchable hidden channels; 11,438,360 prunable conv
   * weights in 629 tensors; penalty norm 49,437.9, penalties 0.223 to 6.534.
   */
  public static SearchSpace imagenet224() {
    return hrnasBody(SearchSpace.builder().name("imagenet224").input(3, 224, 224))
        .classificationHead(List.of(36, 72, 144, 320), 1600, 0.2, 1000)
        .build();
  }

  /**
   * The SuperTickets/HR-NAS dense-prediction supernet: the ImageNet body ({@link #imagenet224()})
   * with a {@link DenseHead}. The reference configurations: Cityscapes {@code (lastChannel 90, 19
   * classes)}, COCO keypoints {@code (90, 17)}, ADE20K {@code (180, 150)}. The reference profiles
   * MACs at 224x224 and scales them by {@code H*W/224^2}; every resolution of this body divides
   * evenly there, so the count at 1024x512 is exactly that scaled number.
   *
   * <p>At 224x224: Cityscapes 5,917,958,928 MACs, 9,923,059 params (+187,176 BN γ/β); COCO
   * 5,917,394,448 MACs, 9,922,877 params; ADE20K 6,912,572,688 MACs, 10,240,350 params; each 61
   * blocks, 183 paths, 44,928 hidden channels. Cityscapes at 1024x512: 61,836,632,064 MACs.
   *
   * @param name the space's name
   * @param height input height (the reference profiles at 224)
   * @param width input width
   * @param lastChannel output channels of the transform block
   * @param numClasses output maps
   */
  public static SearchSpace hrnasDense(
      String name, int height, int width, int lastChannel, int numClasses) {
    return hrnasBody(SearchSpace.builder().name(name).input(3, height, width))
        .denseHead(lastChannel, numClasses)
        .build();
  }

  /**
   * A single-branch, MobileNetV2-style chain for 1x28x28 (10 classes): stem conv 1->16 stride 1;
   * chain stages {@code (16, 1 block, s1)}, {@code (24, 2, s2)}, {@code (32, 2, s2)}, {@code (64,
   * 2, s2)} (28x28 down to 4x4); kernels 3, 5, 7; expand 3; no head channels, last 256, dropout
   * 0.2.
   *
   * <p>18,846,648 MACs; 223,738 params (+8,544 BN γ/β); 7 blocks, 21 paths, 1,872 searchable hidden
   * channels.
   */
  public static SearchSpace mobileNetV2Chain28() {
    return SearchSpace.builder()
        .name("mobilenetv2-chain28")
        .input(1, 28, 28)
        .stemLayer(16, 3, 1)
        .chainStage(16, 1, 1)
        .chainStage(24, 2, 2)
        .chainStage(32, 2, 2)
        .chainStage(64, 2, 2)
        .kernelSizes(3, 5, 7)
        .expandRatio(3)
        .classificationHead(List.of(), 256, 0.2, 10)
        .build();
  }

  /**
   * {@link #resnetStyle28(int, int) resnetStyle28(depth, 16)}: the CIFAR-ResNet width, e.g. {@code
   * resnet20s28-w16}.
   *
   * <p>{@code resnetStyle28(20)}: 4,285,984 MACs; 33,434 params (+1,984 BN γ/β); 9 blocks, 9 paths,
   * 288 searchable hidden channels.
   */
  public static SearchSpace resnetStyle28(int depth) {
    return resnetStyle28(depth, 16);
  }

  /**
   * The CIFAR-ResNet stage layout and depth family (He et al. 2016, §4.2; the family of E-LTH's
   * elastic tickets) for 1x28x28 inputs, 10 classes, named {@code resnet<depth>s28-w<baseWidth>}:
   * stem conv 1->w 3x3 stride 1, then three chain stages of {@code n = (depth - 2) / 6} blocks with
   * {@code w, 2w, 4w} channels and strides 1, 2, 2 (28x28, 14x14, 7x7); head: no head channels,
   * last channel {@code 4w}, no dropout.
   *
   * <p>Honestly, not a ResNet: every block is this library's searchable block with one path of
   * kernel 3 and expand ratio 1 ({@code 1x1 -> 3x3 depthwise -> 1x1}, BN after each, ReLU after the
   * first two, a shared BN after the path, then the residual), not the two full 3x3 convs of a
   * basic block; a stage's first block downsamples through the block's grouped 1x1 residual conv
   * ({@code groups = gcd(w, 2w) = w}), not a full projection; and the head adds a 1x1 conv-BN-ReLU
   * to {@code 4w} before pooling. The depth counts as in CIFAR-ResNets (3 layers per block here, so
   * "depth" names the family member, not the layer count).
   *
   * <p>With w = 16: ResNet-14 2,884,192 MACs, 21,674 params; ResNet-20 4,285,984 MACs, 33,434
   * params (+1,984 BN γ/β); ResNet-32 7,089,568 MACs, 56,954 params; ResNet-44 9,893,152 MACs,
   * 80,474 params; ResNet-56 12,696,736 MACs, 103,994 params. Each member adds {@code 3 * (n - 1)}
   * identity blocks to the same stem, stage inputs and head, which is what elastic tickets ({@code
   * dev.supertickets.elastic}) rely on.
   *
   * @param depth {@code 6n + 2} with {@code n >= 1}: 8, 14, 20, 32, 44, 56, 110, ...
   * @param baseWidth channels {@code w} of the stem and the first stage, at least 1
   * @throws IllegalArgumentException if the depth is not {@code 6n + 2} with {@code n >= 1} or the
   *     width is out of range
   */
  public static SearchSpace resnetStyle28(int depth, int baseWidth) {
    return resnetStyle("s28", 1, 28, depth, baseWidth);
  }

  /**
   * {@link #resnetStyle28(int, int)} for 3x32x32 images (CIFAR-10, 10 classes): the same layout at
   * 32x32, 16x16 and 8x8, named {@code resnet<depth>s32-w<baseWidth>}.
   *
   * <p>{@code resnetStyle32(20, 16)}: 5,892,736 MACs; 33,722 params (+1,984 BN γ/β); {@code
   * resnetStyle32(56, 16)}: 16,878,208 MACs; 104,282 params.
   *
   * @param depth {@code 6n + 2} with {@code n >= 1}: 8, 14, 20, 32, 44, 56, 110, ...
   * @param baseWidth channels {@code w} of the stem and the first stage, at least 1
   * @throws IllegalArgumentException as {@link #resnetStyle28(int, int)}
   */
  public static SearchSpace resnetStyle32(int depth, int baseWidth) {
    return resnetStyle("s32", 3, 32, depth, baseWidth);
  }

  private static SearchSpace resnetStyle(
      String size, int inputChannels, int inputSize, int depth, int baseWidth) {
    checkArgument(
        depth >= 8 && (depth - 2) % 6 == 0,
        "a ResNet-style depth must be 6n + 2 with n >= 1 blocks per stage (8, 14, 20, 32, 44, 56,"
            + " 110), got %s; e.g. 20 gives 3 blocks per stage",
        depth);
    checkArgument(
        baseWidth >= 1 && baseWidth <= SearchSpace.MAX_CHANNELS / 4,
        "a ResNet-style base width must be in [1, %s] (the last stage has 4 times as many"
            + " channels), got %s; CIFAR-ResNets use 16",
        SearchSpace.MAX_CHANNELS / 4,
        baseWidth);
    int n = (depth - 2) / 6;
    int w = baseWidth;
    return SearchSpace.builder()
        .name("resnet" + depth + size + "-w" + w)
        .input(inputChannels, inputSize, inputSize)
        .stemLayer(w, 3, 1)
        .chainStage(w, n, 1)
        .chainStage(2 * w, n, 2)
        .chainStage(4 * w, n, 2)
        .block(RESNET_STYLE_BLOCK)
        .classificationHead(List.of(), 4 * w, 0.0, 10)
        .build();
  }
}

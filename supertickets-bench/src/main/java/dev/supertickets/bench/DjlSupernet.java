package dev.supertickets.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.google.common.math.IntMath;
import dev.supertickets.space.ActivationKind;
import dev.supertickets.space.BatchNormSpec;
import dev.supertickets.space.ClassificationHead;
import dev.supertickets.space.Resolution;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchableBlock;
import dev.supertickets.space.StemLayer;
import dev.supertickets.space.SupernetLayout;
import dev.supertickets.supernet.Architecture;
import dev.supertickets.supernet.HrSupernet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PyTorch peer of {@link HrSupernet}: the same graph, built generically from a {@link
 * SearchSpace} and an {@link Architecture} (so the uncut supernet, a cut ticket or a scaled space)
 * in DJL's block API, NCHW. It follows the dataflow documented on {@link SearchableBlock} for
 * multi-branch and chain bodies: stem conv-BN-act layers; per stage the fuse sums (each term a
 * searchable block, nearest upsampling by {@code 2^(j-i)} when it comes from a lower resolution, a
 * bilinear resize when the size still differs, then the activation), new branches and parallel
 * branches; the classification head (incre blocks, downsample sum, 1x1 conv-BN-act, global average
 * pool, dropout, linear). Each searchable block is its live paths ({@code 1x1 conv, BN, act,
 * depthwise kxk, BN, act, 1x1 conv}), summed, one shared BN, plus the identity or a grouped 1x1
 * residual conv; paths with no hidden channel are left out, as {@link HrSupernet} does.
 * Convolutions have no bias; BN momentum and epsilon come from the space.
 *
 * <p>What differs from {@link HrSupernet}: the weights (PyTorch's default initialisation, not the
 * reference's; timings do not depend on the values), the layout (NCHW, PyTorch's native one) and
 * dense heads (not mirrored: the bench only uses classification spaces).
 */
public final class DjlSupernet extends AbstractBlock {
  private final SearchSpace space;
  private final SupernetLayout layout;
  private final Block stem;
  private final Map<String, Block> blocks = new LinkedHashMap<>();
  private final List<Block> incre = new ArrayList<>();
  private final List<Block> down = new ArrayList<>();
  private final Block tail;

  /**
   * Builds the network of {@code architecture} in {@code space}, uninitialised.
   *
   * @param space a space with a classification head
   * @param architecture hidden channels per block and path ({@link Architecture#full} for the
   *     supernet)
   * @throws IllegalArgumentException for a dense head
   */
  public DjlSupernet(SearchSpace space, Architecture architecture) {
    if (!(space.head() instanceof ClassificationHead head)) {
      throw new IllegalArgumentException(
          "only classification heads are mirrored in DJL, space "
              + space.name()
              + " has "
              + space.head()
              + "; bench a classification space");
    }
    this.space = space;
    this.layout = space.layout();
    SequentialBlock s = new SequentialBlock();
    for (StemLayer l : space.stem()) {
      s.add(conv(l.outChannels(), l.kernelSize(), l.stride(), 1)).add(bn()).add(act());
    }
    this.stem = addChildBlock("stem", s);
    for (SearchableBlock b : layout.blocks()) {
      blocks.put(
          b.name(),
          addChildBlock(b.name().replace('.', '_'), new Ir(b, architecture.of(b.name()))));
    }
    for (SearchableBlock b : layout.blocks(SearchableBlock.Role.HEAD_INCRE)) {
      incre.add(blocks.get(b.name()));
    }
    for (SearchableBlock b : layout.blocks(SearchableBlock.Role.HEAD_DOWNSAMPLE)) {
      down.add(blocks.get(b.name()));
    }
    SequentialBlock t = new SequentialBlock();
    t.add(conv(head.lastChannel(), 1, 1, 1)).add(bn()).add(act());
    t.add(Pool.globalAvgPool2dBlock());
    t.add(Dropout.builder().optRate((float) head.dropout()).build());
    t.add(Linear.builder().setUnits(head.numClasses()).optBias(true).build());
    this.tail = addChildBlock("head", t);
  }

  /** The space this network mirrors. */
  public SearchSpace space() {
    return space;
  }

  private Block act() {
    return space.activation() == ActivationKind.RELU6
        ? Activation.relu6Block()
        : Activation.reluBlock();
  }

  private Block bn() {
    BatchNormSpec spec = space.batchNorm();
    // DJL's momentum is MXNet's (the weight of the running value); the PyTorch engine passes 1 -
    // momentum to torch::batch_norm, whose momentum is the weight of the new batch, the convention
    // of BatchNormSpec.
    return BatchNorm.builder()
        .optAxis(1)
        .optMomentum((float) (1 - spec.momentum()))
        .optEpsilon((float) spec.epsilon())
        .build();
  }

  private static Block conv(int filters, int kernel, int stride, int groups) {
    return Conv2d.builder()
        .setFilters(filters)
        .setKernelShape(new Shape(kernel, kernel))
        .optStride(new Shape(stride, stride))
        .optPadding(new Shape((kernel - 1) / 2, (kernel - 1) / 2))
        .optGroups(groups)
        .optBias(false)
        .build();
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    long n = inputShapes[0].get(0);
    stem.initialize(manager, dataType, inputShapes[0]);
    for (SearchableBlock b : layout.blocks()) {
      Resolution r = b.inputResolution();
      blocks
          .get(b.name())
          .initialize(manager, dataType, new Shape(n, b.inp(), r.height(), r.width()));
    }
    Resolution hr = layout.headResolution();
    tail.initialize(
        manager, dataType, new Shape(n, layout.headInputChannels(), hr.height(), hr.width()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {
      new Shape(inputShapes[0].get(0), ((ClassificationHead) space.head()).numClasses())
    };
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray h = stem.forward(ps, inputs, training).singletonOrThrow();
    List<NDArray> ys;
    if (space.isChain()) {
      for (SearchableBlock b : layout.blocks(SearchableBlock.Role.CHAIN)) {
        h = run(b, h, ps, training);
      }
      ys = List.of(h);
    } else {
      ys = List.of(h);
      for (int s = 0; s < space.stages().size(); s++) {
        ys = stage(s, ys, ps, training);
      }
    }
    NDArray g = incre.isEmpty() ? ys.get(0) : one(incre.get(0), ys.get(0), ps, training);
    for (int i = 0; i + 1 < ys.size(); i++) {
      NDArray next =
          incre.isEmpty() ? ys.get(i + 1) : one(incre.get(i + 1), ys.get(i + 1), ps, training);
      g = one(down.get(i), g, ps, training).add(next);
    }
    return tail.forward(ps, new NDList(g), training);
  }

  private List<NDArray> stage(int s, List<NDArray> xs, ParameterStore ps, boolean training) {
    int inB = xs.size();
    int outB = space.stages().get(s).branches();
    List<Resolution> inRes =
        s == 0 ? List.of(layout.stemOutputResolution()) : layout.stageResolutions().get(s - 1);
    NDArray[] f = new NDArray[outB];
    for (int i = 0; i < Math.min(inB, outB); i++) {
      NDArray sum = null;
      for (SearchableBlock t : layout.fuseTerms(s, i)) {
        NDArray y = run(t, xs.get(t.sourceBranch()), ps, training);
        if (t.upsample() > 1) {
          y = y.repeat(2, t.upsample()).repeat(3, t.upsample());
        }
        Resolution target = inRes.get(i);
        if (y.getShape().get(2) != target.height() || y.getShape().get(3) != target.width()) {
          // interpolation mode 1 is bilinear, align_corners false, as the reference's F.interpolate
          y =
              y.getNDArrayInternal()
                  .interpolation(new long[] {target.height(), target.width()}, 1, false);
        }
        sum = sum == null ? y : sum.add(y);
      }
      f[i] =
          space.activation() == ActivationKind.RELU6 ? Activation.relu6(sum) : Activation.relu(sum);
    }
    for (int nb = inB; nb < outB; nb++) {
      f[nb] = run(layout.newBranch(s, nb).orElseThrow(), f[nb - 1], ps, training);
    }
    List<NDArray> ys = new ArrayList<>(outB);
    for (int i = 0; i < outB; i++) {
      NDArray y = f[i];
      for (SearchableBlock b : layout.branchBlocks(s, i)) {
        y = run(b, y, ps, training);
      }
      ys.add(y);
    }
    return ys;
  }

  private NDArray run(SearchableBlock b, NDArray x, ParameterStore ps, boolean training) {
    return one(blocks.get(b.name()), x, ps, training);
  }

  private static NDArray one(Block block, NDArray x, ParameterStore ps, boolean training) {
    return block.forward(ps, new NDList(x), training).singletonOrThrow();
  }

  /** One searchable block: live paths summed, shared BN, identity or grouped 1x1 residual. */
  private final class Ir extends AbstractBlock {
    private final List<Block> paths = new ArrayList<>();
    private final Block sumBn;
    private final Block residual;

    Ir(SearchableBlock b, List<Integer> hidden) {
      List<Integer> kernels = space.block().kernelSizes();
      for (int p = 0; p < kernels.size(); p++) {
        int c = hidden.get(p);
        if (c == 0) {
          continue;
        }
        int k = kernels.get(p);
        SequentialBlock path = new SequentialBlock();
        path.add(conv(c, 1, 1, 1)).add(bn()).add(act());
        path.add(conv(c, k, b.stride(), c)).add(bn()).add(act());
        path.add(conv(b.oup(), 1, 1, 1));
        paths.add(addChildBlock("k" + k, path));
      }
      this.sumBn = paths.isEmpty() ? null : addChildBlock("bn", bn());
      this.residual =
          b.residualGroups() == 0
              ? null
              : addChildBlock(
                  "residual", conv(b.oup(), 1, b.stride(), IntMath.gcd(b.inp(), b.oup())));
    }

    @Override
    protected void initializeChildBlocks(
        NDManager manager, DataType dataType, Shape... inputShapes) {
      Shape in = inputShapes[0];
      for (Block p : paths) {
        p.initialize(manager, dataType, in);
      }
      if (!paths.isEmpty()) {
        sumBn.initialize(manager, dataType, paths.get(0).getOutputShapes(new Shape[] {in}));
      }
      if (residual != null) {
        residual.initialize(manager, dataType, in);
      }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return (residual != null ? residual : paths.get(0)).getOutputShapes(inputShapes);
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      NDArray x = inputs.singletonOrThrow();
      NDArray shortcut = residual == null ? x : one(residual, x, ps, training);
      if (paths.isEmpty()) {
        return new NDList(shortcut);
      }
      NDArray sum = null;
      for (Block p : paths) {
        NDArray y = one(p, x, ps, training);
        sum = sum == null ? y : sum.add(y);
      }
      return new NDList(one(sumBn, sum, ps, training).add(shortcut));
    }
  }
}

package dev.supertickets.supernet;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.supertickets.nn.Activation;
import dev.supertickets.nn.BatchNorm;
import dev.supertickets.nn.ChannelCut;
import dev.supertickets.nn.Concat;
import dev.supertickets.nn.Conv2d;
import dev.supertickets.nn.Dropout;
import dev.supertickets.nn.GlobalAvgPool;
import dev.supertickets.nn.InferenceGraph;
import dev.supertickets.nn.Linear;
import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.Modules;
import dev.supertickets.nn.Profiler;
import dev.supertickets.nn.Resize;
import dev.supertickets.nn.Sequential;
import dev.supertickets.space.ActivationKind;
import dev.supertickets.space.BatchNormSpec;
import dev.supertickets.space.ClassificationHead;
import dev.supertickets.space.DenseHead;
import dev.supertickets.space.PathPenalty;
import dev.supertickets.space.Resolution;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchableBlock;
import dev.supertickets.space.StemLayer;
import dev.supertickets.space.SupernetLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The HR-NAS multi-branch supernet (and the single-branch chain) built from a {@link SearchSpace},
 * following the graph documented on {@link SearchableBlock}: stem, stages of fuse terms, new
 * branches and parallel branches, then a classification head (incre and downsample blocks, 1x1
 * conv-BN-act, pooling, dropout, linear classifier) or a dense head (all branches resized and
 * concatenated, the transform block, a 1x1 classifier with bias). Initialisation follows the
 * reference (mnas); path penalties are fixed at construction from the space's cost.
 */
public final class HrSupernet implements Supernet {
  private final SearchSpace space;
  private final SupernetLayout layout;
  private final DataType type;
  private final Sequential stem;
  private final Map<String, InvertedResidualChannels> blocks = new LinkedHashMap<>();
  private final List<Stage> stages = new ArrayList<>();
  private final List<InvertedResidualChannels> chain = new ArrayList<>();
  private final Module head;

  /** Builds the supernet of {@code space} in float precision, initialised from {@code rng}. */
  public HrSupernet(SearchSpace space, SplittableRandom rng) {
    this(space, rng, DataType.FLOAT);
  }

  /**
   * Builds the uncut supernet of {@code space} in the given precision, initialised from {@code
   * rng}.
   */
  public HrSupernet(SearchSpace space, SplittableRandom rng, DataType type) {
    this(space, Architecture.full(space), rng, type);
  }

  /** Builds the network of a searched architecture (cut channels and removed paths left out). */
  public HrSupernet(SearchSpace space, Architecture arch, SplittableRandom rng, DataType type) {
    this.space = space;
    this.layout = space.layout();
    this.type = type;
    BatchNormSpec bn = space.batchNorm();
    boolean relu6 = space.activation() == ActivationKind.RELU6;
    List<Module> stemLayers = new ArrayList<>();
    int c = space.input().channels();
    for (int i = 0; i < space.stem().size(); i++) {
      StemLayer l = space.stem().get(i);
      stemLayers.add(
          Conv2d.builder("stem" + i + ".conv", c, l.outChannels(), l.kernelSize())
              .stride(l.stride())
              .init(rng)
              .dataType(type)
              .build());
      stemLayers.add(
          new BatchNorm("stem" + i + ".bn", l.outChannels(), bn.momentum(), bn.epsilon(), type));
      stemLayers.add(activation(relu6));
      c = l.outChannels();
    }
    this.stem = new Sequential(stemLayers);
    for (SearchableBlock b : layout.blocks()) {
      int[] kernels = b.paths().stream().mapToInt(p -> p.kernelSize()).toArray();
      int[] hidden = arch.of(b.name()).stream().mapToInt(Integer::intValue).toArray();
      blocks.put(
          b.name(),
          new InvertedResidualChannels(
              b.name(),
              b.inp(),
              b.oup(),
              b.stride(),
              kernels,
              hidden,
              relu6,
              bn.momentum(),
              bn.epsilon(),
              rng,
              type));
    }
    for (PathPenalty p : space.cost().penalties()) {
      InvertedResidualChannels blk = blocks.get(layout.blocks().get(p.blockIndex()).name());
      blk.paths().stream()
          .filter(q -> q.kernel() == p.kernelSize())
          .forEach(q -> q.setPenalty(p.penalty()));
    }
    if (space.isChain()) {
      for (SearchableBlock b : layout.blocks(SearchableBlock.Role.CHAIN)) {
        chain.add(blocks.get(b.name()));
      }
    } else {
      List<Resolution> inRes = List.of(layout.stemOutputResolution());
      int inB = 1;
      for (int s = 0; s < space.stages().size(); s++) {
        Stage st = new Stage(s, inB, space.stages().get(s).branches(), inRes, relu6);
        stages.add(st);
        inB = st.outB;
        inRes = layout.stageResolutions().get(s);
      }
    }
    this.head =
        space.head() instanceof ClassificationHead ch
            ? new ClsHead(ch, relu6, rng)
            : new DenseHeadModule((DenseHead) space.head(), rng);
  }

  private Activation activation(boolean relu6) {
    return relu6 ? Activation.relu6() : Activation.relu();
  }

  @Override
  public SearchSpace space() {
    return space;
  }

  @Override
  public Map<String, InvertedResidualChannels> blocks() {
    return ImmutableMap.copyOf(blocks);
  }

  @Override
  public Profiler.Cost cost() {
    return Profiler.profile(
        this, space.input().height(), space.input().width(), space.input().channels());
  }

  @Override
  public List<ChannelCut> keep(Map<String, boolean[][]> keep) {
    List<ChannelCut> cuts = new ArrayList<>();
    for (Map.Entry<String, boolean[][]> e : keep.entrySet()) {
      InvertedResidualChannels b = blocks.get(e.getKey());
      checkArgument(
          b != null,
          "no block named %s; block names look like %s",
          e.getKey(),
          blocks.keySet().stream().limit(3).toList());
      cuts.addAll(b.keep(e.getValue()));
    }
    return cuts;
  }

  @Override
  public INDArray forward(INDArray x, Mode mode) {
    checkNotNull(x, "input must not be null");
    checkNotNull(mode, "mode must not be null; use Mode.TRAIN or Mode.EVAL");
    checkArgument(
        x.rank() == 4
            && x.size(1) == space.input().height()
            && x.size(2) == space.input().width()
            && x.size(3) == space.input().channels(),
        "supernet %s expects NHWC input [N, %s, %s, %s], got %s; resize the data or build the space"
            + " with withInputSize",
        space.name(),
        space.input().height(),
        space.input().width(),
        space.input().channels(),
        java.util.Arrays.toString(x.shape()));
    INDArray h = stem.forward(x, mode);
    List<INDArray> ys;
    if (space.isChain()) {
      for (InvertedResidualChannels b : chain) {
        h = b.forward(h, mode);
      }
      ys = List.of(h);
    } else {
      ys = List.of(h);
      for (Stage st : stages) {
        ys = st.forward(ys, mode);
      }
    }
    return ((HeadModule) head).forwardAll(ys, mode);
  }

  /**
   * Mirrors {@link #forward} in {@link Mode#EVAL}, step for step; the output is the logits (class
   * maps).
   */
  @Override
  public String describe(InferenceGraph graph, String x) {
    String h = stem.describe(graph, x);
    List<String> ys;
    if (space.isChain()) {
      for (InvertedResidualChannels b : chain) {
        h = b.describe(graph, h);
      }
      ys = List.of(h);
    } else {
      ys = List.of(h);
      for (Stage st : stages) {
        ys = st.describe(graph, ys);
      }
    }
    return ((HeadModule) head).describeAll(graph, ys);
  }

  @Override
  public INDArray backward(INDArray gradOut) {
    checkNotNull(gradOut, "output gradient must not be null");
    List<INDArray> g = ((HeadModule) head).backwardAll(gradOut);
    INDArray gh;
    if (space.isChain()) {
      gh = g.get(0);
      for (int i = chain.size() - 1; i >= 0; i--) {
        gh = chain.get(i).backward(gh);
      }
    } else {
      for (int s = stages.size() - 1; s >= 0; s--) {
        g = stages.get(s).backward(g);
      }
      gh = g.get(0);
    }
    return stem.backward(gh);
  }

  @Override
  public List<Module> children() {
    ImmutableList.Builder<Module> b = ImmutableList.builder();
    b.add(stem);
    b.addAll(blocks.values());
    for (Stage st : stages) {
      b.addAll(st.extraModules());
    }
    b.add(head);
    return b.build();
  }

  private static INDArray add(INDArray acc, INDArray g) {
    return acc == null ? g : acc.addi(g);
  }

  /** One term of a fuse sum: a block, then nearest upsampling and a bilinear resize when needed. */
  private final class Term {
    final int source;
    final InvertedResidualChannels block;
    final Resize up;
    final Resize fit;

    Term(SearchableBlock spec, Resolution target) {
      this.source = spec.sourceBranch();
      this.block = blocks.get(spec.name());
      Resolution out = spec.outputResolution();
      if (spec.upsample() > 1) {
        out = new Resolution(out.height() * spec.upsample(), out.width() * spec.upsample());
        this.up = new Resize(Resize.Interpolation.NEAREST, out.height(), out.width());
      } else {
        this.up = null;
      }
      this.fit =
          out.equals(target)
              ? null
              : new Resize(Resize.Interpolation.BILINEAR, target.height(), target.width());
    }

    INDArray forward(INDArray x, Mode mode) {
      INDArray y = block.forward(x, mode);
      if (up != null) {
        y = up.forward(y, mode);
      }
      return fit == null ? y : fit.forward(y, mode);
    }

    String describe(InferenceGraph graph, String x) {
      String y = block.describe(graph, x);
      if (up != null) {
        y = up.describe(graph, y);
      }
      return fit == null ? y : fit.describe(graph, y);
    }

    INDArray backward(INDArray g) {
      INDArray d = fit == null ? g : fit.backward(g);
      if (up != null) {
        d = up.backward(d);
      }
      return block.backward(d);
    }
  }

  /** A fuse module followed by a parallel module. */
  private final class Stage {
    final int inB;
    final int outB;
    final List<List<Term>> fuse = new ArrayList<>();
    final List<Activation> fuseAct = new ArrayList<>();
    final List<InvertedResidualChannels> newBranches = new ArrayList<>();
    final List<List<InvertedResidualChannels>> branches = new ArrayList<>();

    Stage(int s, int inB, int outB, List<Resolution> inRes, boolean relu6) {
      this.inB = inB;
      this.outB = outB;
      for (int i = 0; i < Math.min(inB, outB); i++) {
        List<Term> terms = new ArrayList<>();
        for (SearchableBlock t : layout.fuseTerms(s, i)) {
          terms.add(new Term(t, inRes.get(i)));
        }
        fuse.add(terms);
        fuseAct.add(activation(relu6));
      }
      for (int nb = inB; nb < outB; nb++) {
        newBranches.add(blocks.get(layout.newBranch(s, nb).orElseThrow().name()));
      }
      for (int i = 0; i < outB; i++) {
        List<InvertedResidualChannels> seq = new ArrayList<>();
        for (SearchableBlock b : layout.branchBlocks(s, i)) {
          seq.add(blocks.get(b.name()));
        }
        branches.add(seq);
      }
    }

    List<Module> extraModules() {
      return ImmutableList.copyOf(fuseAct);
    }

    List<INDArray> forward(List<INDArray> xs, Mode mode) {
      INDArray[] f = new INDArray[outB];
      for (int i = 0; i < fuse.size(); i++) {
        INDArray sum = null;
        for (Term t : fuse.get(i)) {
          sum = add(sum, t.forward(xs.get(t.source), mode));
        }
        f[i] = fuseAct.get(i).forward(sum, mode);
      }
      for (int nb = inB; nb < outB; nb++) {
        f[nb] = newBranches.get(nb - inB).forward(f[nb - 1], mode);
      }
      List<INDArray> ys = new ArrayList<>(outB);
      for (int i = 0; i < outB; i++) {
        INDArray y = f[i];
        for (InvertedResidualChannels b : branches.get(i)) {
          y = b.forward(y, mode);
        }
        ys.add(y);
      }
      return ys;
    }

    List<String> describe(InferenceGraph graph, List<String> xs) {
      String[] f = new String[outB];
      for (int i = 0; i < fuse.size(); i++) {
        String sum = null;
        for (Term t : fuse.get(i)) {
          String y = t.describe(graph, xs.get(t.source));
          sum = sum == null ? y : graph.add(sum, y);
        }
        f[i] = fuseAct.get(i).describe(graph, sum);
      }
      for (int nb = inB; nb < outB; nb++) {
        f[nb] = newBranches.get(nb - inB).describe(graph, f[nb - 1]);
      }
      List<String> ys = new ArrayList<>(outB);
      for (int i = 0; i < outB; i++) {
        ys.add(Modules.describeChain(branches.get(i), graph, f[i]));
      }
      return ys;
    }

    List<INDArray> backward(List<INDArray> gy) {
      INDArray[] gf = new INDArray[outB];
      for (int i = 0; i < outB; i++) {
        INDArray g = gy.get(i);
        List<InvertedResidualChannels> seq = branches.get(i);
        for (int k = seq.size() - 1; k >= 0; k--) {
          g = seq.get(k).backward(g);
        }
        gf[i] = g;
      }
      for (int nb = outB - 1; nb >= inB; nb--) {
        gf[nb - 1] = gf[nb - 1].add(newBranches.get(nb - inB).backward(gf[nb]));
      }
      INDArray[] gx = new INDArray[inB];
      for (int i = 0; i < fuse.size(); i++) {
        INDArray gSum = fuseAct.get(i).backward(gf[i]);
        for (Term t : fuse.get(i)) {
          gx[t.source] = add(gx[t.source], t.backward(gSum));
        }
      }
      return java.util.Arrays.asList(gx);
    }
  }

  /** A head: final branches to logits. */
  private interface HeadModule extends Module {
    INDArray forwardAll(List<INDArray> ys, Mode mode);

    List<INDArray> backwardAll(INDArray gradOut);

    String describeAll(InferenceGraph graph, List<String> ys);

    @Override
    default String describe(InferenceGraph graph, String x) {
      return describeAll(graph, List.of(x));
    }

    @Override
    default INDArray forward(INDArray x, Mode mode) {
      return forwardAll(List.of(x), mode);
    }

    @Override
    default INDArray backward(INDArray gradOut) {
      return backwardAll(gradOut).get(0);
    }
  }

  /** HR-NAS's classification head. */
  private final class ClsHead implements HeadModule {
    final List<InvertedResidualChannels> incre = new ArrayList<>();
    final List<InvertedResidualChannels> down = new ArrayList<>();
    final Sequential tail;
    int branchesSeen;

    ClsHead(ClassificationHead spec, boolean relu6, SplittableRandom rng) {
      for (SearchableBlock b : layout.blocks(SearchableBlock.Role.HEAD_INCRE)) {
        incre.add(blocks.get(b.name()));
      }
      for (SearchableBlock b : layout.blocks(SearchableBlock.Role.HEAD_DOWNSAMPLE)) {
        down.add(blocks.get(b.name()));
      }
      BatchNormSpec bn = space.batchNorm();
      int in = layout.headInputChannels();
      tail =
          Sequential.of(
              Conv2d.builder("head.final.conv", in, spec.lastChannel(), 1)
                  .init(rng)
                  .dataType(type)
                  .build(),
              new BatchNorm("head.final.bn", spec.lastChannel(), bn.momentum(), bn.epsilon(), type),
              activation(relu6),
              new GlobalAvgPool(),
              new Dropout(spec.dropout(), rng.split()),
              new Linear(CLASSIFIER, spec.lastChannel(), spec.numClasses(), rng, type));
    }

    @Override
    public INDArray forwardAll(List<INDArray> ys, Mode mode) {
      branchesSeen = ys.size();
      INDArray h = incre.isEmpty() ? ys.get(0) : incre.get(0).forward(ys.get(0), mode);
      for (int i = 0; i + 1 < ys.size(); i++) {
        INDArray next =
            incre.isEmpty() ? ys.get(i + 1) : incre.get(i + 1).forward(ys.get(i + 1), mode);
        h = down.get(i).forward(h, mode).add(next);
      }
      return tail.forward(h, mode);
    }

    @Override
    public String describeAll(InferenceGraph graph, List<String> ys) {
      String h = incre.isEmpty() ? ys.get(0) : incre.get(0).describe(graph, ys.get(0));
      for (int i = 0; i + 1 < ys.size(); i++) {
        String next =
            incre.isEmpty() ? ys.get(i + 1) : incre.get(i + 1).describe(graph, ys.get(i + 1));
        h = graph.add(down.get(i).describe(graph, h), next);
      }
      return tail.describe(graph, h);
    }

    @Override
    public List<INDArray> backwardAll(INDArray gradOut) {
      INDArray gh = tail.backward(gradOut);
      INDArray[] gy = new INDArray[branchesSeen];
      for (int i = branchesSeen - 2; i >= 0; i--) {
        gy[i + 1] = incre.isEmpty() ? gh : incre.get(i + 1).backward(gh);
        gh = down.get(i).backward(gh);
      }
      gy[0] = incre.isEmpty() ? gh : incre.get(0).backward(gh);
      return java.util.Arrays.asList(gy);
    }

    @Override
    public List<Module> children() {
      return ImmutableList.of(tail);
    }
  }

  /** HR-NAS's dense-prediction head. */
  private final class DenseHeadModule implements HeadModule {
    final List<Resize> fits = new ArrayList<>();
    final Concat concat = new Concat();
    final InvertedResidualChannels transform;
    final Conv2d classifier;

    /**
     * Bilinear up-sampling of the class maps to the input size, so that there is a map value per
     * label.
     */
    final Resize toInput;

    DenseHeadModule(DenseHead spec, SplittableRandom rng) {
      Resolution r0 = layout.finalResolutions().get(0);
      for (Resolution r : layout.finalResolutions()) {
        fits.add(
            r.equals(r0)
                ? null
                : new Resize(Resize.Interpolation.BILINEAR, r0.height(), r0.width()));
      }
      int h = space.input().height();
      int w = space.input().width();
      toInput =
          r0.height() == h && r0.width() == w
              ? null
              : new Resize(Resize.Interpolation.BILINEAR, h, w);
      transform = blocks.get("transform");
      classifier =
          Conv2d.builder(CLASSIFIER, spec.lastChannel(), spec.numClasses(), 1)
              .bias(true)
              .init(rng)
              .dataType(type)
              .build();
    }

    @Override
    public INDArray forwardAll(List<INDArray> ys, Mode mode) {
      List<INDArray> parts = new ArrayList<>();
      for (int i = 0; i < ys.size(); i++) {
        parts.add(fits.get(i) == null ? ys.get(i) : fits.get(i).forward(ys.get(i), mode));
      }
      INDArray maps = classifier.forward(transform.forward(concat.forward(parts), mode), mode);
      return toInput == null ? maps : toInput.forward(maps, mode);
    }

    @Override
    public String describeAll(InferenceGraph graph, List<String> ys) {
      List<String> parts = new ArrayList<>();
      for (int i = 0; i < ys.size(); i++) {
        parts.add(fits.get(i) == null ? ys.get(i) : fits.get(i).describe(graph, ys.get(i)));
      }
      String maps = classifier.describe(graph, transform.describe(graph, graph.concat(parts)));
      return toInput == null ? maps : toInput.describe(graph, maps);
    }

    @Override
    public List<INDArray> backwardAll(INDArray gradOut) {
      INDArray g0 = toInput == null ? gradOut : toInput.backward(gradOut);
      INDArray[] g = concat.backward(transform.backward(classifier.backward(g0)));
      for (int i = 0; i < g.length; i++) {
        if (fits.get(i) != null) {
          g[i] = fits.get(i).backward(g[i]);
        }
      }
      return java.util.Arrays.asList(g);
    }

    @Override
    public List<Module> children() {
      return ImmutableList.of(classifier);
    }
  }
}

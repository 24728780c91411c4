package dev.supertickets.space;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The supernet a {@link SearchSpace} describes, laid out for a builder: the resolution after every
 * stem layer, the channels and resolution of every branch of every stage, the searchable blocks in
 * their fixed order (see {@link SearchableBlock} for the graph each role implies), lookups by name
 * and by position, and the analytic {@link SupernetCost}. Obtain it with {@link
 * SearchSpace#layout()}; it is immutable.
 */
public final class SupernetLayout {
  private final SearchSpace space;
  private final ImmutableList<Resolution> stemResolutions;
  private final ImmutableList<ImmutableList<Integer>> stageChannels;
  private final ImmutableList<ImmutableList<Resolution>> stageResolutions;
  private final ImmutableList<SearchableBlock> blocks;
  private final ImmutableMap<String, SearchableBlock> byName;
  private final int headInputChannels;
  private final Resolution headResolution;
  private final SupernetCost cost;

  SupernetLayout(SearchSpace space) {
    this.space = space;
    Builder b = new Builder(space);
    Resolution r = space.input().resolution();
    int c = space.input().channels();
    ImmutableList.Builder<Resolution> stemRes = ImmutableList.builder();
    for (StemLayer layer : space.stem()) {
      r = r.strided(layer.stride());
      c = layer.outChannels();
      stemRes.add(r);
    }
    this.stemResolutions = stemRes.build();
    List<ImmutableList<Integer>> channels = new ArrayList<>();
    List<ImmutableList<Resolution>> resolutions = new ArrayList<>();
    List<Integer> finalChannels;
    List<Resolution> finalResolutions;
    if (space.isChain()) {
      for (int t = 0; t < space.chain().size(); t++) {
        ChainStage cs = space.chain().get(t);
        for (int k = 0; k < cs.blocks(); k++) {
          int stride = k == 0 ? cs.stride() : 1;
          b.add(
              SearchableBlock.Role.CHAIN,
              String.format("stage%d.block%d", t, k),
              "",
              t,
              0,
              0,
              k,
              c,
              cs.outChannels(),
              stride,
              r,
              1);
          r = r.strided(stride);
          c = cs.outChannels();
        }
        channels.add(ImmutableList.of(c));
        resolutions.add(ImmutableList.of(r));
      }
      finalChannels = List.of(c);
      finalResolutions = List.of(r);
    } else {
      List<Integer> inCh = List.of(c);
      List<Resolution> inRes = List.of(r);
      for (int s = 0; s < space.stages().size(); s++) {
        StageSpec stage = space.stages().get(s);
        int inB = inCh.size();
        int outB = stage.branches();
        Resolution[] fused = new Resolution[outB];
        int fuseModule = 2 * s;
        for (int i = 0; i < Math.min(inB, outB); i++) {
          int position = 0;
          for (int j = Math.max(0, i - 1); j <= Math.min(inB - 1, i + 1); j++) {
            int stride = j < i ? 2 : 1;
            int upsample = j > i ? 1 << (j - i) : 1;
            String ref =
                "features." + fuseModule + ".fuse_layers." + i + "." + j + (j != i ? ".0" : "");
            SearchableBlock blk =
                b.add(
                    SearchableBlock.Role.FUSE,
                    String.format("stage%d.fuse.b%d.from%d", s, i, j),
                    ref,
                    s,
                    i,
                    j,
                    position,
                    inCh.get(j),
                    stage.channels().get(i),
                    stride,
                    inRes.get(j),
                    upsample);
            if (position == 0) {
              fused[i] = blk.outputResolution();
            }
            position++;
          }
          checkState(
              fused[i].equals(inRes.get(i)),
              "branch %s of stage %s: fused size %s differs from input %s",
              i,
              s,
              fused[i],
              inRes.get(i));
        }
        for (int nb = inB; nb < outB; nb++) {
          SearchableBlock blk =
              b.add(
                  SearchableBlock.Role.NEW_BRANCH,
                  String.format("stage%d.fuse.b%d.new", s, nb),
                  "features." + fuseModule + ".fuse_layers." + nb + ".0",
                  s,
                  nb,
                  nb - 1,
                  0,
                  stage.channels().get(nb - 1),
                  stage.channels().get(nb),
                  2,
                  fused[nb - 1],
                  1);
          fused[nb] = blk.outputResolution();
        }
        for (int i = 0; i < outB; i++) {
          for (int k = 0; k < stage.blocks().get(i); k++) {
            int ch = stage.channels().get(i);
            b.add(
                SearchableBlock.Role.BRANCH,
                String.format("stage%d.branch%d.block%d", s, i, k),
                "features." + (fuseModule + 1) + ".branches." + i + "." + k,
                s,
                i,
                i,
                k,
                ch,
                ch,
                1,
                fused[i],
                1);
          }
        }
        inCh = stage.channels();
        inRes = List.of(fused);
        channels.add(stage.channels());
        resolutions.add(ImmutableList.copyOf(fused));
      }
      finalChannels = inCh;
      finalResolutions = inRes;
    }
    this.stageChannels = ImmutableList.copyOf(channels);
    this.stageResolutions = ImmutableList.copyOf(resolutions);

    String headModule = space.isChain() ? null : "features." + 2 * space.stages().size();
    int n = finalChannels.size();
    if (space.head() instanceof ClassificationHead head) {
      List<Integer> hc = finalChannels;
      if (!head.headChannels().isEmpty()) {
        checkArgument(
            head.headChannels().size() == n,
            "the classification head has %s head channels %s but the last stage has %s branches; "
                + "give one head channel count per branch, or none",
            head.headChannels().size(),
            head.headChannels(),
            n);
        for (int i = 0; i < n; i++) {
          b.add(
              SearchableBlock.Role.HEAD_INCRE,
              "head.incre" + i,
              ref(headModule, ".incre_modules." + i),
              -1,
              i,
              i,
              i,
              finalChannels.get(i),
              head.headChannels().get(i),
              1,
              finalResolutions.get(i),
              1);
        }
        hc = head.headChannels();
      }
      Resolution hr = finalResolutions.get(0);
      for (int i = 0; i + 1 < n; i++) {
        SearchableBlock blk =
            b.add(
                SearchableBlock.Role.HEAD_DOWNSAMPLE,
                "head.downsamp" + i,
                ref(headModule, ".downsamp_modules." + i),
                -1,
                i + 1,
                i,
                i,
                hc.get(i),
                hc.get(i + 1),
                2,
                hr,
                1);
        hr = blk.outputResolution();
        checkState(
            hr.equals(finalResolutions.get(i + 1)),
            "head sum %s: %s differs from branch size %s",
            i + 1,
            hr,
            finalResolutions.get(i + 1));
      }
      this.headInputChannels = hc.get(n - 1);
      this.headResolution = hr;
    } else {
      int concat = finalChannels.stream().mapToInt(Integer::intValue).sum();
      checkArgument(
          concat <= SearchSpace.MAX_CHANNELS,
          "the %s concatenated branch channels exceed %s",
          concat,
          SearchSpace.MAX_CHANNELS);
      b.add(
          SearchableBlock.Role.TRANSFORM,
          "transform",
          space.isChain() ? "" : "transform",
          -1,
          0,
          0,
          0,
          concat,
          space.head().lastChannel(),
          1,
          finalResolutions.get(0),
          1);
      this.headInputChannels = concat;
      this.headResolution = finalResolutions.get(0);
    }
    this.blocks = b.blocks.build();
    this.byName = ImmutableMap.copyOf(b.byName);
    try {
      this.cost = computeCost();
    } catch (ArithmeticException overflow) {
      throw new IllegalArgumentException(
          "search space "
              + space.name()
              + " is too large: its MACs or parameter "
              + "count overflow a long; use smaller inputs or fewer channels",
          overflow);
    }
  }

  private static String ref(String module, String suffix) {
    return module == null ? "" : module + suffix;
  }

  /**
   * Collects blocks with their paths and checks that every path gets at least one hidden channel.
   */
  private static final class Builder {
    final SearchSpace space;
    final ImmutableList.Builder<SearchableBlock> blocks = ImmutableList.builder();
    final Map<String, SearchableBlock> byName = new LinkedHashMap<>();
    int next;

    Builder(SearchSpace space) {
      this.space = space;
    }

    SearchableBlock add(
        SearchableBlock.Role role,
        String name,
        String referenceName,
        int stage,
        int branch,
        int sourceBranch,
        int position,
        int inp,
        int oup,
        int stride,
        Resolution in,
        int upsample) {
      BlockSpec spec = space.block();
      int hidden = spec.hiddenChannels(inp);
      checkArgument(
          hidden >= 1 && hidden <= SearchSpace.MAX_CHANNELS,
          "block %s has %s input channels, so expand ratio %s gives round(%s) = %s hidden channels"
              + " per path; choose an expand ratio that gives 1 to %s",
          name,
          inp,
          spec.expandRatio(),
          inp * spec.expandRatio(),
          hidden,
          SearchSpace.MAX_CHANNELS);
      Resolution out = in.strided(stride);
      ImmutableList.Builder<PathSpec> paths = ImmutableList.builder();
      for (int p = 0; p < spec.kernelSizes().size(); p++) {
        int k = spec.kernelSizes().get(p);
        long f =
            Math.addExact(
                Math.multiplyExact(in.pixels(), inp),
                Math.multiplyExact(out.pixels(), (long) k * k + oup));
        paths.add(new PathSpec(p, k, hidden, f));
      }
      int groups = stride == 1 && inp == oup ? 0 : SearchableBlock.gcd(inp, oup);
      SearchableBlock block =
          new SearchableBlock(
              next++,
              name,
              referenceName,
              role,
              stage,
              branch,
              sourceBranch,
              position,
              inp,
              oup,
              stride,
              in,
              out,
              upsample,
              paths.build(),
              groups);
      blocks.add(block);
      checkState(byName.put(name, block) == null, "duplicate block name %s", name);
      return block;
    }
  }

  private SupernetCost computeCost() {
    long macs = 0;
    long params = 0;
    long bn = 0;
    long prunable = 0;
    int tensors = 0;
    int c = space.input().channels();
    for (int l = 0; l < space.stem().size(); l++) {
      StemLayer layer = space.stem().get(l);
      long w = (long) layer.kernelSize() * layer.kernelSize() * c * layer.outChannels();
      macs = Math.addExact(macs, Math.multiplyExact(stemResolutions.get(l).pixels(), w));
      params += w;
      prunable += w;
      bn += 2L * layer.outChannels();
      tensors++;
      c = layer.outChannels();
    }
    long searchable = 0;
    long hidden = 0;
    double weighted = 0;
    int paths = 0;
    for (SearchableBlock blk : blocks) {
      searchable = Math.addExact(searchable, blk.macs());
      params += blk.params();
      prunable += blk.params();
      bn += blk.batchNormParams();
      tensors += blk.prunableTensors();
      for (PathSpec p : blk.paths()) {
        hidden += p.hiddenChannels();
        weighted += (double) p.hiddenChannels() * p.macsPerChannel();
        paths++;
      }
    }
    macs = Math.addExact(macs, searchable);
    HeadSpec head = space.head();
    long classifier = (long) head.lastChannel() * head.numClasses();
    if (head instanceof ClassificationHead) {
      long w = (long) headInputChannels * head.lastChannel();
      macs = Math.addExact(macs, Math.multiplyExact(headResolution.pixels(), w));
      params += w;
      prunable += w;
      bn += 2L * head.lastChannel();
      tensors++;
      macs = Math.addExact(macs, classifier);
    } else {
      macs = Math.addExact(macs, Math.multiplyExact(headResolution.pixels(), classifier));
    }
    params += classifier + head.numClasses();
    double norm = weighted / hidden;
    ImmutableList.Builder<PathPenalty> penalties = ImmutableList.builder();
    for (SearchableBlock blk : blocks) {
      for (PathSpec p : blk.paths()) {
        penalties.add(
            new PathPenalty(
                blk.name() + ".path" + p.index(),
                blk.index(),
                p.index(),
                p.kernelSize(),
                p.hiddenChannels(),
                p.macsPerChannel(),
                p.macsPerChannel() / norm));
      }
    }
    return new SupernetCost(
        macs,
        searchable,
        params,
        bn,
        prunable,
        tensors,
        blocks.size(),
        paths,
        hidden,
        norm,
        penalties.build());
  }

  /** The space this layout is for. */
  public SearchSpace space() {
    return space;
  }

  /** The resolution after each stem layer, in order (empty without a stem). */
  public ImmutableList<Resolution> stemResolutions() {
    return stemResolutions;
  }

  /** The resolution of the stem output {@code S} (the input's without a stem). */
  public Resolution stemOutputResolution() {
    return stemResolutions.isEmpty()
        ? space.input().resolution()
        : stemResolutions.get(stemResolutions.size() - 1);
  }

  /** The channels of the stem output {@code S} (the input's without a stem). */
  public int stemOutputChannels() {
    return space.stem().isEmpty()
        ? space.input().channels()
        : space.stem().get(space.stem().size() - 1).outChannels();
  }

  /** Per stage (chain stage), the channels of each branch it outputs (one for a chain). */
  public ImmutableList<ImmutableList<Integer>> stageChannels() {
    return stageChannels;
  }

  /** Per stage (chain stage), the resolution of each branch it outputs (one for a chain). */
  public ImmutableList<ImmutableList<Resolution>> stageResolutions() {
    return stageResolutions;
  }

  /** The channels of the last stage's branches {@code Y_i}. */
  public ImmutableList<Integer> finalChannels() {
    return stageChannels.get(stageChannels.size() - 1);
  }

  /** The resolutions of the last stage's branches {@code Y_i}. */
  public ImmutableList<Resolution> finalResolutions() {
    return stageResolutions.get(stageResolutions.size() - 1);
  }

  /**
   * Classification: the channels entering the head's last 1x1 conv ({@code H_{n-1}}). Dense: the
   * channels of the concatenation entering the transform block.
   */
  public int headInputChannels() {
    return headInputChannels;
  }

  /**
   * Classification: the resolution of the head's last 1x1 conv (that of the lowest-resolution
   * branch). Dense: the resolution of the output maps (that of branch 0).
   */
  public Resolution headResolution() {
    return headResolution;
  }

  /** Every searchable block, in the order documented on {@link SearchableBlock}. */
  public ImmutableList<SearchableBlock> blocks() {
    return blocks;
  }

  /**
   * The block with this name.
   *
   * @throws IllegalArgumentException if there is none
   */
  public SearchableBlock block(String name) {
    checkNotNull(name, "block name must not be null; names look like stage0.branch0.block0");
    SearchableBlock b = byName.get(name);
    checkArgument(
        b != null,
        "search space %s has no block named %s; names look like %s",
        space.name(),
        name,
        blocks.get(0).name());
    return b;
  }

  /** The blocks of one role, in order. */
  public ImmutableList<SearchableBlock> blocks(SearchableBlock.Role role) {
    checkNotNull(role, "block role must not be null");
    return blocks.stream().filter(b -> b.role() == role).collect(ImmutableList.toImmutableList());
  }

  /**
   * The FUSE terms summed into branch {@code branch} of stage {@code stage}, in summation order.
   */
  public ImmutableList<SearchableBlock> fuseTerms(int stage, int branch) {
    return blocks.stream()
        .filter(
            b ->
                b.role() == SearchableBlock.Role.FUSE && b.stage() == stage && b.branch() == branch)
        .collect(ImmutableList.toImmutableList());
  }

  /**
   * The NEW_BRANCH block that creates branch {@code branch} in stage {@code stage}, if that stage
   * creates it.
   */
  public Optional<SearchableBlock> newBranch(int stage, int branch) {
    return blocks.stream()
        .filter(
            b ->
                b.role() == SearchableBlock.Role.NEW_BRANCH
                    && b.stage() == stage
                    && b.branch() == branch)
        .findFirst();
  }

  /**
   * The BRANCH blocks of branch {@code branch} of stage {@code stage}, in order (or a chain stage's
   * blocks).
   */
  public ImmutableList<SearchableBlock> branchBlocks(int stage, int branch) {
    return blocks.stream()
        .filter(
            b ->
                (b.role() == SearchableBlock.Role.BRANCH || b.role() == SearchableBlock.Role.CHAIN)
                    && b.stage() == stage
                    && b.branch() == branch)
        .collect(ImmutableList.toImmutableList());
  }

  /** The analytic MACs, parameters and path penalties of the dense supernet. */
  public SupernetCost cost() {
    return cost;
  }

  /**
   * A readable listing of the supernet: the stem, then every block with its role, channels, stride,
   * resolutions, paths and residual, and the equations that connect them. For humans and logs; its
   * format may change.
   */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    BlockSpec spec = space.block();
    sb.append(
        String.format(
            Locale.ROOT,
            "%s: input %s, %s, kernels %s, expand %s, input stride %d%n",
            space.name(),
            space.input(),
            spec.activation().jsonName(),
            spec.kernelSizes(),
            spec.expandRatio(),
            space.inputStride()));
    int c = space.input().channels();
    for (int l = 0; l < space.stem().size(); l++) {
      StemLayer layer = space.stem().get(l);
      sb.append(
          String.format(
              Locale.ROOT,
              "stem%d: conv%dx%d %d->%d s%d + BN + act -> %s%n",
              l,
              layer.kernelSize(),
              layer.kernelSize(),
              c,
              layer.outChannels(),
              layer.stride(),
              stemResolutions.get(l)));
      c = layer.outChannels();
    }
    int lastStage = -1;
    boolean inHead = false;
    for (SearchableBlock b : blocks) {
      if (b.stage() > lastStage) {
        sb.append(space.isChain() ? "chain stage " : "stage ")
            .append(b.stage())
            .append(
                String.format(
                    Locale.ROOT,
                    ": channels %s at %s%n",
                    stageChannels.get(b.stage()),
                    stageResolutions.get(b.stage())));
        lastStage = b.stage();
      } else if (b.stage() < 0 && !inHead) {
        sb.append("head blocks\n");
        inHead = true;
      }
      sb.append(
          String.format(
              Locale.ROOT, "  [%2d] %-22s %-15s %s%n", b.index(), b.name(), b.role(), equation(b)));
      sb.append(
          String.format(
              Locale.ROOT,
              "       %d->%d s%d %s->%s paths k%s C%s residual %s%s%n",
              b.inp(),
              b.oup(),
              b.stride(),
              b.inputResolution(),
              b.outputResolution(),
              b.kernelSizes(),
              b.hiddenChannels(),
              b.hasIdentityResidual() ? "identity" : "conv1x1 groups " + b.residualGroups(),
              b.upsample() > 1 ? ", then nearest upsample x" + b.upsample() : ""));
    }
    if (space.head() instanceof ClassificationHead h) {
      sb.append(
          String.format(
              Locale.ROOT,
              "head: conv1x1 %d->%d + BN + act at %s -> global avg pool -> dropout %s -> linear"
                  + " %d->%d (bias)%n",
              headInputChannels,
              h.lastChannel(),
              headResolution,
              h.dropout(),
              h.lastChannel(),
              h.numClasses()));
    } else {
      sb.append(
          String.format(
              Locale.ROOT,
              "head: conv1x1 %d->%d (bias) at %s%n",
              space.head().lastChannel(),
              space.head().numClasses(),
              headResolution));
    }
    sb.append(cost).append('\n');
    return sb.toString();
  }

  private String equation(SearchableBlock b) {
    int s = b.stage();
    return switch (b.role()) {
      case FUSE -> {
        String term =
            "B(X" + s + "_" + b.sourceBranch() + ")" + (b.upsample() > 1 ? " upsampled" : "");
        List<SearchableBlock> terms = fuseTerms(s, b.branch());
        String prefix = b.position() == 0 ? "F" + s + "_" + b.branch() + " = act(" : "   + ";
        Resolution target = terms.get(0).outputResolution();
        Resolution size =
            new Resolution(
                b.outputResolution().height() * b.upsample(),
                b.outputResolution().width() * b.upsample());
        String resize = size.equals(target) ? "" : " resized to " + target;
        yield prefix + term + resize + (b.position() == terms.size() - 1 ? ")" : "");
      }
      case NEW_BRANCH -> "F" + s + "_" + b.branch() + " = B(F" + s + "_" + b.sourceBranch() + ")";
      case BRANCH ->
          "Y"
              + s
              + "_"
              + b.branch()
              + " <- B("
              + (b.position() == 0 ? "F" + s + "_" + b.branch() : "previous")
              + ")";
      case CHAIN -> "Y <- B(" + (b.index() == 0 ? "S" : "previous") + ")";
      case HEAD_INCRE -> "I" + b.branch() + " = B(Y_" + b.branch() + ")";
      case HEAD_DOWNSAMPLE ->
          "H" + b.branch() + " = I" + b.branch() + " + B(H" + b.sourceBranch() + ")";
      case TRANSFORM -> "T = B(concat(Y_i resized to " + b.inputResolution() + "))";
    };
  }
}

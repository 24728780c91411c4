package dev.supertickets.space;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;

/**
 * One searchable block of a supernet, at its place in the graph: what it is ({@code inp}, {@code
 * oup}, {@code stride}, paths, residual), where it reads, and what happens to its output. {@link
 * SearchSpace#blocks()} lists them in the order of HR-NAS's {@code get_named_block_list} (which
 * fixes the order of the search's penalties and of a searched architecture's block list):
 *
 * <ol>
 *   <li>for each stage {@code s}: its FUSE blocks (output branch {@code i} ascending, then input
 *       branch {@code j} ascending), then its NEW_BRANCH blocks (branch ascending), then its BRANCH
 *       blocks (branch ascending, then position) — or, in a chain, its CHAIN blocks;
 *   <li>the HEAD_INCRE blocks ({@code i} ascending), then the HEAD_DOWNSAMPLE blocks ({@code i}
 *       ascending);
 *   <li>the TRANSFORM block of a dense head.
 * </ol>
 *
 * <h2>The graph</h2>
 *
 * Tensor names used below: {@code S} is the stem output (the input image when the stem is empty);
 * {@code X^s_j} is branch {@code j} entering stage {@code s} ({@code X^0_0 = S}, {@code X^s_j =
 * Y^{s-1}_j}); {@code F^s_i} is branch {@code i} after the fuse of stage {@code s}; {@code Y^s_i}
 * is branch {@code i} leaving stage {@code s}. Every stage keeps the resolution of each branch it
 * inherits; branch {@code i} of the last stage is {@code Y_i}. Act is the space's activation.
 *
 * <ul>
 *   <li>{@link Role#FUSE} ({@code stage s, branch i, sourceBranch j}, {@code |i - j| <= 1}, {@code
 *       j} an input branch): reads {@code X^s_j}. Stride 2 when {@code j < i}, else 1. When {@code
 *       j > i} its output is upsampled by nearest neighbour by {@link #upsample()} {@code =
 *       2^(j-i)}. The FUSE terms of output branch {@code i} are added in enumeration order ({@link
 *       #position()} 0 first); the first term has branch {@code i}'s resolution, and each later
 *       term is first resized bilinearly ({@code align_corners=false}) to that resolution when its
 *       size differs (an upsampled odd-sized map can be one pixel too large). Then {@code F^s_i =
 *       act(sum)}. Only the first {@code min(inBranches, outBranches)} outputs are fused.
 *   <li>{@link Role#NEW_BRANCH} ({@code stage s, branch b, sourceBranch b-1}): a stage with more
 *       branches than its input makes each new branch {@code b} from {@code F^s_{b-1}} (already
 *       fused, or itself a new branch) with stride 2: {@code F^s_b = block(F^s_{b-1})}, no
 *       activation after.
 *   <li>{@link Role#BRANCH} ({@code stage s, branch i, position k}): the {@code ParallelModule};
 *       block 0 reads {@code F^s_i}, block {@code k} reads block {@code k-1}, stride 1, {@code inp
 *       == oup}; the last one gives {@code Y^s_i} ({@code Y^s_i = F^s_i} when the branch has no
 *       blocks).
 *   <li>{@link Role#CHAIN} ({@code stage t, position k}): a chain stage's block {@code k} reads the
 *       previous chain block (the first block of all reads {@code S}); the last chain block gives
 *       {@code Y_0}.
 *   <li>{@link Role#HEAD_INCRE} ({@code branch i}): reads {@code Y_i} at its resolution, stride 1.
 *   <li>{@link Role#HEAD_DOWNSAMPLE} ({@code position i, sourceBranch i, branch i+1}): reads {@code
 *       H_i}, stride 2; {@code H_0 = incre_0(Y_0)} and {@code H_{i+1} = incre_{i+1}(Y_{i+1}) +
 *       downsamp_i(H_i)}, sizes equal without resizing; with no incre blocks {@code Y_i} stands for
 *       {@code incre_i(Y_i)}. See {@link ClassificationHead} for what follows {@code H_{n-1}}.
 *   <li>{@link Role#TRANSFORM}: reads the concatenation (branch order) of all {@code Y_i}, each
 *       bilinearly resized to {@code Y_0}'s resolution; see {@link DenseHead}.
 * </ul>
 *
 * @param index position in {@link SearchSpace#blocks()}, from 0
 * @param name stable name: {@code stage2.fuse.b1.from0}, {@code stage2.fuse.b2.new}, {@code
 *     stage2.branch0.block1}, {@code stage1.block0} (chain), {@code head.incre0}, {@code
 *     head.downsamp0}, {@code transform}
 * @param referenceName the module name in the reference PyTorch model (HR-NAS/SuperTickets {@code
 *     hrnet.py}), such as {@code features.4.fuse_layers.1.0.0}; empty for chain blocks, which have
 *     no reference
 * @param role the block's kind of position
 * @param stage the stage, or -1 for head and transform blocks
 * @param branch the branch the block's output belongs to (head downsample {@code i}: {@code i+1}; 0
 *     for chain and transform)
 * @param sourceBranch the branch the block reads (0 for chain and transform)
 * @param position FUSE: the term's place in its sum; BRANCH and CHAIN: place in the branch or chain
 *     stage; HEAD_*: {@code i}; otherwise 0
 * @param inp input channels
 * @param oup output channels
 * @param stride stride of the depthwise convs and of the residual conv
 * @param inputResolution resolution of the tensor the block reads
 * @param outputResolution resolution of the block's output, {@code inputResolution.strided(stride)}
 * @param upsample nearest-neighbour upsampling factor applied to the output (FUSE with {@code j >
 *     i}), else 1
 * @param paths the parallel paths, in kernel-size order of {@link BlockSpec#kernelSizes()}
 * @param residualGroups 0 for the identity residual; otherwise the groups, {@code gcd(inp, oup)},
 *     of the 1x1 residual conv
 */
public record SearchableBlock(
    int index,
    String name,
    String referenceName,
    Role role,
    int stage,
    int branch,
    int sourceBranch,
    int position,
    int inp,
    int oup,
    int stride,
    Resolution inputResolution,
    Resolution outputResolution,
    int upsample,
    ImmutableList<PathSpec> paths,
    int residualGroups) {

  /**
   * The kind of place a block holds in the supernet; see the class comment for each one's inputs.
   */
  public enum Role {
    /** A term of a fuse sum: one input branch's contribution to one output branch. */
    FUSE,
    /**
     * Creates a branch that the previous stage did not have, from the next-higher-resolution
     * branch.
     */
    NEW_BRANCH,
    /** A block of a {@code ParallelModule} branch. */
    BRANCH,
    /** A block of a single-branch chain. */
    CHAIN,
    /** Classification head: raises a final branch to its head channels. */
    HEAD_INCRE,
    /** Classification head: halves the running head sum's resolution towards the next branch. */
    HEAD_DOWNSAMPLE,
    /** Dense head: the block after the concatenation of all branches. */
    TRANSFORM
  }

  /** Validates the consistency of the fields. */
  public SearchableBlock {
    checkNotNull(name, "block name must not be null");
    checkNotNull(referenceName, "reference name of block %s must not be null", name);
    checkNotNull(role, "role of block %s must not be null", name);
    checkNotNull(inputResolution, "input resolution of block %s must not be null", name);
    checkNotNull(outputResolution, "output resolution of block %s must not be null", name);
    checkNotNull(paths, "paths of block %s must not be null", name);
    checkArgument(!paths.isEmpty(), "block %s needs at least one path", name);
    checkArgument(
        inp >= 1 && oup >= 1 && stride >= 1, "block %s needs positive inp, oup and stride", name);
    checkArgument(
        outputResolution.equals(inputResolution.strided(stride)),
        "block %s: output resolution %s must be input %s strided by %s",
        name,
        outputResolution,
        inputResolution,
        stride);
    checkArgument(
        residualGroups == (stride == 1 && inp == oup ? 0 : gcd(inp, oup)),
        "block %s: residual groups must be 0 (identity) when stride is 1 and inp == oup, else"
            + " gcd(inp, oup)",
        name);
    checkArgument(upsample >= 1, "block %s: upsample factor must be at least 1", name);
  }

  /** The depthwise kernel size of each path. */
  public ImmutableList<Integer> kernelSizes() {
    return paths.stream().map(PathSpec::kernelSize).collect(ImmutableList.toImmutableList());
  }

  /** The hidden channels {@code C_p} of each path. */
  public ImmutableList<Integer> hiddenChannels() {
    return paths.stream().map(PathSpec::hiddenChannels).collect(ImmutableList.toImmutableList());
  }

  /** The searchable hidden channels of all paths together. */
  public int totalHiddenChannels() {
    return paths.stream().mapToInt(PathSpec::hiddenChannels).sum();
  }

  /**
   * Whether the residual is the input itself (stride 1 and {@code inp == oup}) rather than a 1x1
   * conv.
   */
  public boolean hasIdentityResidual() {
    return residualGroups == 0;
  }

  /**
   * Dense MACs of the block: the paths' convolutions and the residual conv (BN, activations and the
   * sums excluded, as in the reference profiler).
   */
  public long macs() {
    long macs = 0;
    for (PathSpec p : paths) {
      macs = Math.addExact(macs, p.macs());
    }
    if (!hasIdentityResidual()) {
      macs = Math.addExact(macs, Math.multiplyExact(outputResolution.pixels(), residualWeights()));
    }
    return macs;
  }

  /** Convolution weights of the block (no conv in a block has a bias; BN not included). */
  public long params() {
    long params = 0;
    for (PathSpec p : paths) {
      params += (long) p.hiddenChannels() * (inp + (long) p.kernelSize() * p.kernelSize() + oup);
    }
    return params + residualWeights();
  }

  /**
   * BN γ and β of the block: two BNs of {@code C_p} per path and the shared {@code oup} BN after
   * the sum.
   */
  public long batchNormParams() {
    return 4L * totalHiddenChannels() + 2L * oup;
  }

  /**
   * The number of weight tensors a weight mask covers: three convs per path plus the residual conv
   * if any.
   */
  public int prunableTensors() {
    return 3 * paths.size() + (hasIdentityResidual() ? 0 : 1);
  }

  /** Weights of the 1x1 residual conv, {@code inp * oup / groups}; 0 for the identity residual. */
  public long residualWeights() {
    return hasIdentityResidual() ? 0 : (long) inp / residualGroups * oup;
  }

  static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}

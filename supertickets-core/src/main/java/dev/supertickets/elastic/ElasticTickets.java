package dev.supertickets.elastic;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.supertickets.nn.NetworkState;
import dev.supertickets.space.ChainStage;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchableBlock;
import dev.supertickets.supernet.Architecture;
import dev.supertickets.tensor.Workspaces;
import dev.supertickets.ticket.Provenance;
import dev.supertickets.ticket.SuperTicket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Elastic Ticket Transformation (E-LTH, Chen et al. 2021, {@code morphism.py
 * change_depth_cifar_resnet}): turns a ticket of one chain space into a ticket of a deeper or
 * shallower member of the same family by replicating and dropping whole blocks of each stage,
 * weights, masks, BN statistics and the block's cut architecture together. Train the result once
 * (e.g. {@link SuperTicket#retrain}); there is no pruning on the target.
 *
 * <p>What is copied: the stem and the head (weights, masks, BN statistics) unchanged; each target
 * block {@code stage<s>.block<t>} is an identical copy of the source block its stage's {@link
 * BlockMapping} names, with that block's hidden channels per path (the ticket may have cut some).
 * Nothing is re-initialised or rescaled, and the sparsity is whatever the copied masks give, not
 * renormalised (E-LTH A.3). Unlike E-LTH, which loads the source's rewind weights from its IMP
 * level, the weights are those of the given ticket; pass the rewound ticket to reproduce the paper.
 *
 * <p>Provenance: {@code method = elastic}, the mapping (one E-LTH string when every stage has the
 * same, else the per-stage strings joined by {@code |}), the source and target spaces and block
 * counts, source and resulting sparsity, and every entry of the source ticket's provenance under
 * {@code source.}. Deterministic: the same inputs give bit-identical weights, masks and statistics
 * (only the provenance's time stamp differs).
 */
public final class ElasticTickets {
  private ElasticTickets() {}

  /**
   * Stretches {@code source} to the deeper {@code target} with E-LTH's default mapping per stage
   * ({@link BlockMapping#stretch}: appending order, every non-first block replicated as evenly as
   * possible). With the same block count in every stage, as the CIFAR ResNets, every stage gets the
   * same mapping.
   *
   * @throws IllegalArgumentException if the spaces are not chains of the same family, or a target
   *     stage is shorter than its source stage (use {@link #squeeze} or {@link
   *     #transform(SuperTicket, SearchSpace, List)})
   */
  public static SuperTicket stretch(SuperTicket source, SearchSpace target) {
    return withDefaults(source, target, "stretch", BlockMapping::stretch);
  }

  /**
   * Squeezes {@code source} into the shallower {@code target} with E-LTH's default mapping per
   * stage ({@link BlockMapping#squeeze}: keep the first blocks).
   *
   * @throws IllegalArgumentException if the spaces are not chains of the same family, or a target
   *     stage is longer than its source stage (use {@link #stretch} or {@link
   *     #transform(SuperTicket, SearchSpace, List)})
   */
  public static SuperTicket squeeze(SuperTicket source, SearchSpace target) {
    return withDefaults(source, target, "squeeze", BlockMapping::squeeze);
  }

  /**
   * Transforms {@code source} into a ticket of {@code target} with the same {@code mapping} in
   * every chain stage, as E-LTH's CIFAR code does.
   *
   * @throws IllegalArgumentException if the spaces are not chains of the same family or the mapping
   *     does not fit a stage (see {@link BlockMapping#checkFits})
   */
  public static SuperTicket transform(
      SuperTicket source, SearchSpace target, BlockMapping mapping) {
    checkNotNull(source, "source ticket must not be null");
    checkNotNull(target, "target space must not be null");
    checkNotNull(
        mapping, "block mapping must not be null; e.g. BlockMapping.parse(\"0:0;1:1,2;2:3,4\")");
    checkChain(source.space(), "source ticket's space");
    return transform(
        source, target, Collections.nCopies(source.space().chain().size(), mapping), "given");
  }

  /**
   * Transforms {@code source} into a ticket of {@code target} with one mapping per chain stage, in
   * stage order.
   *
   * @throws IllegalArgumentException if the spaces are not chains of the same family, the list does
   *     not have one mapping per stage, or a mapping does not fit its stage (see {@link
   *     BlockMapping#checkFits})
   */
  public static SuperTicket transform(
      SuperTicket source, SearchSpace target, List<BlockMapping> perStage) {
    checkNotNull(source, "source ticket must not be null");
    checkNotNull(target, "target space must not be null");
    checkNotNull(
        perStage,
        "per-stage block mappings must not be null; give one BlockMapping per chain stage");
    perStage.forEach(
        m -> checkNotNull(m, "per-stage block mappings must not hold null; got %s", perStage));
    return transform(source, target, List.copyOf(perStage), "given");
  }

  private static SuperTicket withDefaults(
      SuperTicket source, SearchSpace target, String kind, DefaultMapping defaults) {
    checkNotNull(source, "source ticket must not be null");
    checkNotNull(target, "target space must not be null");
    checkSameFamily(source.space(), target);
    List<BlockMapping> perStage = new ArrayList<>();
    for (int s = 0; s < target.chain().size(); s++) {
      int from = source.space().chain().get(s).blocks();
      int to = target.chain().get(s).blocks();
      try {
        perStage.add(defaults.apply(from, to));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "cannot %s %s into %s: chain stage " + "%d: %s",
                kind,
                source.space().name(),
                target.name(),
                s,
                e.getMessage()),
            e);
      }
    }
    return transform(source, target, perStage, "default " + kind);
  }

  /**
   * {@link BlockMapping#stretch} or {@link BlockMapping#squeeze}, as a function of the two block
   * counts.
   */
  @FunctionalInterface
  private interface DefaultMapping {
    BlockMapping apply(int sourceBlocks, int targetBlocks);
  }

  private static SuperTicket transform(
      SuperTicket source, SearchSpace target, List<BlockMapping> perStage, String choice) {
    SearchSpace from = source.space();
    checkSameFamily(from, target);
    checkArgument(
        perStage.size() == target.chain().size(),
        "give one block mapping per chain stage: %s has %s " + "stages, got %s mappings",
        target.name(),
        target.chain().size(),
        perStage.size());
    // target block name -> source block name, in the target's block order
    Map<String, String> sourceBlockOf = new LinkedHashMap<>();
    for (int s = 0; s < perStage.size(); s++) {
      BlockMapping m = perStage.get(s);
      int fromBlocks = from.chain().get(s).blocks();
      int toBlocks = target.chain().get(s).blocks();
      try {
        m.checkFits(fromBlocks, toBlocks);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "chain stage %d (%s to %s blocks): " + "%s",
                s,
                fromBlocks,
                toBlocks,
                e.getMessage()),
            e);
      }
      for (Map.Entry<Integer, Integer> e : m.sourceOf().entrySet()) {
        sourceBlockOf.put(blockName(s, e.getKey()), blockName(s, e.getValue()));
      }
    }
    Map<String, ImmutableList<Integer>> hidden = new LinkedHashMap<>();
    for (SearchableBlock b : target.blocks()) {
      hidden.put(b.name(), source.architecture().of(sourceBlockOf.get(b.name())));
    }
    Set<String> blocks =
        from.blocks().stream().map(SearchableBlock::name).collect(Collectors.toSet());
    NetworkState state = source.state();
    NetworkState copied =
        new NetworkState(
            copy(state.values(), blocks, sourceBlockOf),
            copy(state.masks(), blocks, sourceBlockOf),
            copy(state.stats(), blocks, sourceBlockOf));

    boolean uniform = perStage.stream().distinct().count() == 1;
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("method", "elastic");
    p.put("elastic.mapping", uniform ? perStage.get(0).toString() : BlockMapping.join(perStage));
    p.put("elastic.mappingChoice", choice);
    p.put("elastic.sourceSpace", from.name());
    p.put("elastic.targetSpace", target.name());
    p.put("elastic.sourceBlocks", blockCounts(from));
    p.put("elastic.targetBlocks", blockCounts(target));
    p.put("elastic.sourceSparsity", source.sparsity());
    SuperTicket ticket =
        new SuperTicket(
            target,
            new Architecture(ImmutableMap.copyOf(hidden)),
            copied,
            source.normalization(),
            Provenance.of(p));
    Map<String, Object> more = new LinkedHashMap<>();
    more.put("elastic.sparsity", ticket.sparsity());
    source.provenance().entries().forEach((k, v) -> more.put("source." + k, v));
    return ticket.withState(copied, more);
  }

  /**
   * Copies a name-keyed map from the source network to the target: entries outside the chain blocks
   * (stem, head) unchanged; each target block's entries from its source block, renamed. Keeps the
   * source's order (stem, blocks, head) with the blocks in the target's order.
   */
  private static ImmutableMap<String, INDArray> copy(
      Map<String, INDArray> source, Set<String> sourceBlocks, Map<String, String> sourceBlockOf) {
    Map<String, Map<String, INDArray>> byBlock = new LinkedHashMap<>();
    Map<String, INDArray> before = new LinkedHashMap<>();
    Map<String, INDArray> after = new LinkedHashMap<>();
    for (Map.Entry<String, INDArray> e : source.entrySet()) {
      String block = blockOf(e.getKey(), sourceBlocks);
      if (block != null) {
        byBlock
            .computeIfAbsent(block, k -> new LinkedHashMap<>())
            .put(e.getKey().substring(block.length()), e.getValue());
      } else {
        (byBlock.isEmpty() ? before : after).put(e.getKey(), e.getValue());
      }
    }
    ImmutableMap.Builder<String, INDArray> out = ImmutableMap.builder();
    // copies, not shared arrays: a ticket's arrays must not alias another ticket's
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      before.forEach((k, v) -> out.put(k, v.dup()));
      sourceBlockOf.forEach(
          (targetBlock, sourceBlock) ->
              byBlock
                  .getOrDefault(sourceBlock, Map.of())
                  .forEach((rest, v) -> out.put(targetBlock + rest, v.dup())));
      after.forEach((k, v) -> out.put(k, v.dup()));
    }
    return out.buildOrThrow();
  }

  /**
   * The chain block {@code key} belongs to ({@code stage1.block2} for {@code
   * stage1.block2.bn.gamma}), or null.
   */
  private static String blockOf(String key, Set<String> blocks) {
    int first = key.indexOf('.');
    int second = first < 0 ? -1 : key.indexOf('.', first + 1);
    if (second < 0) {
      return null;
    }
    String prefix = key.substring(0, second);
    return blocks.contains(prefix) ? prefix : null;
  }

  private static String blockName(int stage, int block) {
    return "stage" + stage + ".block" + block;
  }

  private static String blockCounts(SearchSpace space) {
    return space.chain().stream()
        .map(c -> String.valueOf(c.blocks()))
        .reduce((a, b) -> a + "," + b)
        .orElse("");
  }

  private static void checkChain(SearchSpace space, String what) {
    checkArgument(
        space.isChain(),
        "elastic tickets need a chain space, whose stages E-LTH stretches and squeezes, "
            + "but the %s %s is multi-branch (HRNet-style stages); use a chain space such as "
            + "SearchSpaces.resnetStyle28(20)",
        what,
        space.name());
  }

  /**
   * Checks that {@code target} is {@code source} with other block counts per chain stage, naming
   * any difference.
   */
  private static void checkSameFamily(SearchSpace source, SearchSpace target) {
    checkChain(source, "source ticket's space");
    checkChain(target, "target space");
    differ("input", source.input(), target.input(), source, target);
    differ("stem", source.stem(), target.stem(), source, target);
    differ("block", source.block(), target.block(), source, target);
    differ("batch norm", source.batchNorm(), target.batchNorm(), source, target);
    differ("head", source.head(), target.head(), source, target);
    differ("number of chain stages", source.chain().size(), target.chain().size(), source, target);
    for (int s = 0; s < source.chain().size(); s++) {
      ChainStage a = source.chain().get(s);
      ChainStage b = target.chain().get(s);
      differ(
          "chain stage " + s + " (out channels, stride)",
          List.of(a.outChannels(), a.stride()),
          List.of(b.outChannels(), b.stride()),
          source,
          target);
    }
  }

  private static void differ(
      String what, Object inSource, Object inTarget, SearchSpace source, SearchSpace target) {
    checkArgument(
        Objects.equals(inSource, inTarget),
        "target space %s is not of source space %s's family: its %s is %s, the source's %s; elastic"
            + " tickets change only the number of blocks per chain stage, so build the target as"
            + " the source space with other block counts (e.g. SearchSpaces.resnetStyle28(depth)"
            + " for every depth)",
        target.name(),
        source.name(),
        what,
        inTarget,
        inSource);
  }
}

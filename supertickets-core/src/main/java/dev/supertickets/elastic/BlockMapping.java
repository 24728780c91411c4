package dev.supertickets.elastic;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.base.Joiner;
import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where the blocks of one source stage go in the target stage: source local block to an ordered
 * list of target local blocks, E-LTH's within-stage mapping ({@code change_depth.py
 * parse_block_mapping_for_stage}). A source block with no entry is dropped; one with several
 * targets is replicated. Written and parsed in E-LTH's format, {@code "0:0;1:1,2;2:3,4"}: entries
 * separated by {@code ;}, a source and its targets by {@code :}, targets by {@code ,}.
 *
 * <p>Every mapping sends block 0 to target block 0 and nowhere else: a stage's first block changes
 * the resolution or the channels, so it is transplanted 1:1, never replicated or dropped (E-LTH
 * §3.1). No target may be listed twice. {@link #checkFits} adds the checks that need the block
 * counts: sources exist, and the targets cover the target stage exactly once. Immutable; equal when
 * the entries are equal (sources sorted, targets in their order).
 */
public final class BlockMapping {
  private static final Splitter ENTRIES = Splitter.on(';').trimResults();
  private static final Splitter SOURCE_TARGETS = Splitter.on(':').trimResults();
  private static final Splitter TARGETS = Splitter.on(',').trimResults();
  private static final Splitter STAGES = Splitter.on('|').trimResults();

  private final ImmutableSortedMap<Integer, ImmutableList<Integer>> entries;
  private final ImmutableSortedMap<Integer, Integer> sourceOf;

  private BlockMapping(SortedMap<Integer, ? extends List<Integer>> entries) {
    ImmutableSortedMap.Builder<Integer, ImmutableList<Integer>> copy =
        ImmutableSortedMap.naturalOrder();
    SortedMap<Integer, Integer> inverse = new TreeMap<>();
    for (Map.Entry<Integer, ? extends List<Integer>> e : entries.entrySet()) {
      int source = e.getKey();
      checkArgument(
          source >= 0, "block mapping sources must be local block indices >= 0, got %s", source);
      checkArgument(
          !e.getValue().isEmpty(),
          "source block %s maps to no target; leave it out of the mapping to " + "drop it",
          source);
      for (int target : e.getValue()) {
        checkArgument(
            target >= 0,
            "block mapping targets must be local block indices >= 0, got %s (from source " + "%s)",
            target,
            source);
        Integer before = inverse.put(target, source);
        checkArgument(
            before == null,
            "target block %s is written twice, by source %s and by source %s; every "
                + "target block must come from exactly one source: remove one of them",
            target,
            before == null ? source : before,
            source);
      }
      copy.put(source, ImmutableList.copyOf(e.getValue()));
    }
    this.entries = copy.buildOrThrow();
    this.sourceOf = ImmutableSortedMap.copyOfSorted(inverse);
    checkArgument(
        List.of(0).equals(this.entries.get(0)),
        "block 0 of a stage must map to target block 0 only (0:0), got %s; the first block changes"
            + " resolution or channels, so it is transplanted 1:1 and never replicated or dropped:"
            + " start the mapping with 0:0",
        this.entries.containsKey(0)
            ? "0:" + Joiner.on(',').join(this.entries.get(0))
            : "no entry for block 0");
  }

  /**
   * Parses E-LTH's format, e.g. {@code "0:0;1:1,2;2:3,4"} (whitespace around numbers is ignored).
   *
   * @throws IllegalArgumentException for a malformed string, a source given twice, a target given
   *     twice, or block 0 not mapped {@code 0:0}; the message names the offending part
   */
  public static BlockMapping parse(String mapping) {
    checkNotNull(mapping, "block mapping must not be null; e.g. \"0:0;1:1,2;2:3,4\"");
    checkArgument(
        !mapping.isBlank(),
        "block mapping must not be empty; e.g. \"0:0;1:1,2;2:3,4\" (source:targets "
            + "entries separated by ';')");
    SortedMap<Integer, List<Integer>> entries = new TreeMap<>();
    for (String entry : ENTRIES.split(mapping)) {
      List<String> parts = SOURCE_TARGETS.splitToList(entry);
      checkArgument(
          parts.size() == 2 && !parts.get(1).isEmpty(),
          "block mapping entry \"%s\" in \"%s\" must be source:targets, such as 1:1,2",
          entry,
          mapping);
      int source = number(parts.get(0), entry, mapping);
      List<Integer> targets = new ArrayList<>();
      for (String t : TARGETS.split(parts.get(1))) {
        targets.add(number(t, entry, mapping));
      }
      checkArgument(
          entries.put(source, targets) == null,
          "source block %s appears twice in block mapping \"%s\"; give each source once with all"
              + " its targets, such as 1:1,3",
          source,
          mapping);
    }
    return new BlockMapping(entries);
  }

  /**
   * Parses one mapping per stage joined by {@code |}, E-LTH's format for ImageNet ResNets, e.g.
   * {@code "0:0;1:1,2|0:0;1:1,2,3"}; a string without {@code |} gives a one-element list.
   *
   * @throws IllegalArgumentException as {@link #parse}, naming the stage
   */
  public static ImmutableList<BlockMapping> parsePerStage(String mappings) {
    checkNotNull(mappings, "block mappings must not be null; e.g. \"0:0;1:1,2|0:0;1:1,2,3\"");
    ImmutableList.Builder<BlockMapping> out = ImmutableList.builder();
    int stage = 0;
    for (String m : STAGES.split(mappings)) {
      try {
        out.add(parse(m));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "stage " + stage + " of \"" + mappings + "\": " + e.getMessage(), e);
      }
      stage++;
    }
    return out.build();
  }

  private static int number(String s, String entry, String mapping) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "block mapping entry \"%s\" in \"%s\" holds \"%s\", not a block index; write"
                  + " source:targets with non-negative integers, such as 1:1,2",
              entry,
              mapping,
              s),
          e);
    }
  }

  /** The identity on a stage of {@code blocks} blocks: {@code 0:0;1:1;...}. */
  public static BlockMapping identity(int blocks) {
    checkArgument(blocks >= 1, "a stage has at least one block, got %s", blocks);
    return squeeze(blocks, blocks);
  }

  /**
   * E-LTH's default stretch of a stage from {@code sourceBlocks} to {@code targetBlocks} blocks, in
   * appending order: the source blocks keep their places, then copies of blocks {@code 1, 2, ...,
   * sourceBlocks - 1} are appended in turn until the stage is long enough. So as many distinct
   * non-first blocks as possible are replicated, each as few times as possible, earlier blocks
   * first when they cannot all get the same count (the paper's ablations, §4.1). 3 to 7 gives
   * {@code 0:0;1:1,3,5;2:2,4,6}; equal counts give the identity.
   *
   * @throws IllegalArgumentException if the target is shorter (use {@link #squeeze}) or a one-block
   *     stage would have to grow (block 0 is never replicated)
   */
  public static BlockMapping stretch(int sourceBlocks, int targetBlocks) {
    checkArgument(
        sourceBlocks >= 1, "a stage has at least one block, got %s source blocks", sourceBlocks);
    checkArgument(
        targetBlocks >= sourceBlocks,
        "cannot stretch %s blocks to fewer (%s); use squeeze(%s, %s)",
        sourceBlocks,
        targetBlocks,
        sourceBlocks,
        targetBlocks);
    checkArgument(
        sourceBlocks > 1 || targetBlocks == 1,
        "cannot stretch a stage of one block to %s: block 0 is never replicated and there is no"
            + " other block to copy; use a source with at least 2 blocks per stage",
        targetBlocks);
    SortedMap<Integer, List<Integer>> m = new TreeMap<>();
    for (int s = 0; s < sourceBlocks; s++) {
      m.computeIfAbsent(s, k -> new ArrayList<>()).add(s);
    }
    for (int t = sourceBlocks; t < targetBlocks; t++) {
      m.get(1 + (t - sourceBlocks) % (sourceBlocks - 1)).add(t);
    }
    return new BlockMapping(m);
  }

  /**
   * E-LTH's default squeeze of a stage from {@code sourceBlocks} to {@code targetBlocks} blocks:
   * keep the first {@code targetBlocks} blocks and drop the rest ({@code 0:0;1:1;...}, the paper's
   * table). Equal counts give the identity.
   *
   * @throws IllegalArgumentException if the target is longer (use {@link #stretch}) or empty
   */
  public static BlockMapping squeeze(int sourceBlocks, int targetBlocks) {
    checkArgument(
        targetBlocks >= 1,
        "a stage keeps at least one block (block 0), got %s target blocks",
        targetBlocks);
    checkArgument(
        sourceBlocks >= targetBlocks,
        "cannot squeeze %s blocks to more (%s); use stretch(%s, %s)",
        sourceBlocks,
        targetBlocks,
        sourceBlocks,
        targetBlocks);
    SortedMap<Integer, List<Integer>> m = new TreeMap<>();
    for (int b = 0; b < targetBlocks; b++) {
      m.put(b, List.of(b));
    }
    return new BlockMapping(m);
  }

  /**
   * Source local block to its target local blocks, sources ascending; dropped sources are absent.
   */
  public ImmutableSortedMap<Integer, ImmutableList<Integer>> entries() {
    return entries;
  }

  /** The target blocks of {@code source}, in order; empty when the source is dropped. */
  public ImmutableList<Integer> targets(int source) {
    return entries.getOrDefault(source, ImmutableList.of());
  }

  /** Target local block to the source block it is copied from, targets ascending. */
  public ImmutableSortedMap<Integer, Integer> sourceOf() {
    return sourceOf;
  }

  /**
   * Checks that this mapping fits a stage of {@code sourceBlocks} blocks stretched or squeezed to
   * {@code targetBlocks}: every source exists, and every target block {@code 0..targetBlocks-1} is
   * covered, and nothing beyond.
   *
   * @throws IllegalArgumentException naming the missing sources, the uncovered or out-of-range
   *     targets, and the fix
   */
  public void checkFits(int sourceBlocks, int targetBlocks) {
    checkArgument(
        sourceBlocks >= 1 && targetBlocks >= 1,
        "a stage has at least one block, got %s source and %s " + "target blocks",
        sourceBlocks,
        targetBlocks);
    TreeSet<Integer> missingSources = new TreeSet<>(entries.tailMap(sourceBlocks).keySet());
    checkArgument(
        missingSources.isEmpty(),
        "block mapping %s reads source blocks %s, but the source stage has "
            + "only blocks 0..%s; map only existing blocks",
        this,
        missingSources,
        sourceBlocks - 1);
    TreeSet<Integer> beyond = new TreeSet<>(sourceOf.tailMap(targetBlocks).keySet());
    checkArgument(
        beyond.isEmpty(),
        "block mapping %s writes target blocks %s, but the target stage has only "
            + "blocks 0..%s; map to existing blocks",
        this,
        beyond,
        targetBlocks - 1);
    TreeSet<Integer> uncovered = new TreeSet<>();
    for (int t = 0; t < targetBlocks; t++) {
      if (!sourceOf.containsKey(t)) {
        uncovered.add(t);
      }
    }
    checkArgument(
        uncovered.isEmpty(),
        "block mapping %s leaves target blocks %s of 0..%s uncovered; every target block needs"
            + " exactly one source: add them to a source's targets (e.g. %s gives the default)",
        this,
        uncovered,
        targetBlocks - 1,
        targetBlocks >= sourceBlocks
            ? "BlockMapping.stretch(" + sourceBlocks + ", " + targetBlocks + ")"
            : "BlockMapping.squeeze(" + sourceBlocks + ", " + targetBlocks + ")");
  }

  /** The mappings of several stages in E-LTH's per-stage format, joined by {@code |}. */
  public static String join(List<BlockMapping> perStage) {
    checkNotNull(perStage, "per-stage block mappings must not be null");
    return Joiner.on('|').join(perStage);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BlockMapping other && entries.equals(other.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  /**
   * The mapping in E-LTH's format, sources ascending: {@code "0:0;1:1,3;2:2,4"}; {@link #parse}
   * reads it back.
   */
  @Override
  public String toString() {
    Map<Integer, String> parts = new LinkedHashMap<>();
    entries.forEach((s, ts) -> parts.put(s, Joiner.on(',').join(ts)));
    return Joiner.on(';').withKeyValueSeparator(':').join(parts);
  }
}

package dev.supertickets.testing;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static dev.supertickets.testing.Numbers.count;
import static dev.supertickets.testing.Numbers.num;

import com.google.common.collect.ImmutableList;
import dev.supertickets.data.Dataset;
import dev.supertickets.nn.Profiler;
import dev.supertickets.space.PathSpec;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchableBlock;
import dev.supertickets.supernet.Architecture;
import dev.supertickets.tensor.Tensors;
import dev.supertickets.ticket.SuperTicket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import org.assertj.core.api.AbstractAssert;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Assertions on a {@link SuperTicket}; start with {@link TicketAssertions#assertThat(SuperTicket)}.
 * Sparsity is over the weights that carry a mask (the prunable ones), as {@link
 * SuperTicket#sparsity()}; costs are those of {@link SuperTicket#cost()} for one image at the
 * space's input size.
 */
public final class SuperTicketAssert extends AbstractAssert<SuperTicketAssert, SuperTicket> {
  private static final int LISTED = 5;
  private static final int PROBE_IMAGES = 2;
  private static final long PROBE_SEED = 20220907L;

  private Profiler.Cost cost;

  /** Assertions on {@code ticket}. */
  public SuperTicketAssert(SuperTicket ticket) {
    super(ticket, SuperTicketAssert.class);
  }

  /**
   * A mask assertion that keeps this one's description, so that {@code as("...")} prefixes its
   * failures too.
   */
  private MaskAssert maskAssert() {
    MaskAssert masks = new MaskAssert(actual.state().masks());
    return info.hasDescription() ? masks.as(info.description()) : masks;
  }

  /** The fraction of pruned weights (over those that carry a mask) is at least {@code minimum}. */
  public SuperTicketAssert hasSparsityAtLeast(double minimum) {
    checkArgument(
        minimum >= 0 && minimum <= 1, "minimum sparsity must be in [0, 1], got %s", minimum);
    isNotNull();
    long[] c = keptAndTotal();
    double s = sparsity(c);
    if (s < minimum) {
      failWithMessage(
          "%s",
          "expected sparsity at least "
              + num(minimum)
              + " but was "
              + num(s, minimum)
              + " "
              + active(c));
    }
    return this;
  }

  /** The fraction of pruned weights (over those that carry a mask) is at most {@code maximum}. */
  public SuperTicketAssert hasSparsityAtMost(double maximum) {
    checkArgument(
        maximum >= 0 && maximum <= 1, "maximum sparsity must be in [0, 1], got %s", maximum);
    isNotNull();
    long[] c = keptAndTotal();
    double s = sparsity(c);
    if (s > maximum) {
      failWithMessage(
          "%s",
          "expected sparsity at most "
              + num(maximum)
              + " but was "
              + num(s, maximum)
              + " "
              + active(c));
    }
    return this;
  }

  /**
   * The fraction of pruned weights (over those that carry a mask) is within {@code tolerance} of
   * {@code expected}.
   */
  public SuperTicketAssert hasSparsity(double expected, double tolerance) {
    checkArgument(
        expected >= 0 && expected <= 1, "expected sparsity must be in [0, 1], got %s", expected);
    checkArgument(tolerance >= 0, "tolerance must not be negative, got %s", tolerance);
    isNotNull();
    long[] c = keptAndTotal();
    double s = sparsity(c);
    if (Math.abs(s - expected) > tolerance) {
      failWithMessage(
          "%s",
          "expected sparsity "
              + num(expected)
              + " ± "
              + num(tolerance)
              + " but was "
              + num(s, expected)
              + " "
              + active(c));
    }
    return this;
  }

  /**
   * Dense MACs of one image through the cut architecture, {@code cost().macs()}, are at most {@code
   * maximum}.
   */
  public SuperTicketAssert hasMacsAtMost(long maximum) {
    checkArgument(maximum >= 0, "maximum MACs must not be negative, got %s", maximum);
    isNotNull();
    Profiler.Cost c = cost();
    if (c.macs() > maximum) {
      failWithMessage(
          "%s",
          "expected dense MACs at most "
              + count(maximum)
              + " but was "
              + count(c.macs())
              + " ("
              + architecture()
              + "; the uncut supernet "
              + actual.space().name()
              + " has "
              + count(actual.space().cost().macs())
              + ")");
    }
    return this;
  }

  /**
   * MACs of one image counting active weights only, {@code cost().sparseMacs()}, are at most {@code
   * maximum}.
   */
  public SuperTicketAssert hasSparseMacsAtMost(long maximum) {
    checkArgument(maximum >= 0, "maximum sparse MACs must not be negative, got %s", maximum);
    isNotNull();
    Profiler.Cost c = cost();
    if (c.sparseMacs() > maximum) {
      failWithMessage(
          "%s",
          "expected MACs counting active weights only at most "
              + count(maximum)
              + " but was "
              + count(c.sparseMacs())
              + " (dense "
              + count(c.macs())
              + ", sparsity "
              + num(sparsity(keptAndTotal()))
              + ")");
    }
    return this;
  }

  /**
   * The ticket's network has at most {@code maximum} parameters, dense: every entry of every
   * parameter tensor (weights, biases, BN scales and shifts), {@code cost().params()}.
   */
  public SuperTicketAssert hasParamsAtMost(long maximum) {
    checkArgument(maximum >= 0, "maximum parameter count must not be negative, got %s", maximum);
    isNotNull();
    Profiler.Cost c = cost();
    if (c.params() > maximum) {
      failWithMessage(
          "%s",
          "expected at most "
              + count(maximum)
              + " parameters (dense) but the ticket has "
              + count(c.params())
              + " ("
              + count(c.sparseParams())
              + " active; "
              + architecture()
              + ")");
    }
    return this;
  }

  /**
   * The ticket's network has at most {@code maximum} active (unpruned) parameters, {@code
   * cost().sparseParams()}.
   */
  public SuperTicketAssert hasActiveParamsAtMost(long maximum) {
    checkArgument(
        maximum >= 0, "maximum active parameter count must not be negative, got %s", maximum);
    isNotNull();
    Profiler.Cost c = cost();
    if (c.sparseParams() > maximum) {
      failWithMessage(
          "%s",
          "expected at most "
              + count(maximum)
              + " active parameters but the ticket has "
              + count(c.sparseParams())
              + " (of "
              + count(c.params())
              + " dense)");
    }
    return this;
  }

  /**
   * The ticket is a cut of {@code space}'s supernet: its space equals {@code space}, its
   * architecture names exactly the space's blocks with one width per path, and every width is
   * between 0 and the supernet's width of that path.
   */
  public SuperTicketAssert isSubnetworkOf(SearchSpace space) {
    checkNotNull(space, "search space must not be null");
    isNotNull();
    SearchSpace own = actual.space();
    if (!own.equals(space)) {
      failWithMessage(
          "%s",
          "expected a subnetwork of search space "
              + space.name()
              + " but the ticket's space "
              + own.name()
              + " differs in "
              + String.join(", ", differences(own, space)));
    }
    Architecture arch = actual.architecture();
    List<String> faults = new ArrayList<>();
    for (SearchableBlock b : space.blocks()) {
      ImmutableList<Integer> widths = arch.hidden().get(b.name());
      if (widths == null) {
        faults.add("block " + b.name() + " is missing");
        continue;
      }
      if (widths.size() != b.paths().size()) {
        faults.add(
            "block "
                + b.name()
                + " has "
                + widths.size()
                + " path widths but the space has "
                + b.paths().size()
                + " paths (kernels "
                + b.kernelSizes()
                + ")");
        continue;
      }
      for (PathSpec p : b.paths()) {
        int w = widths.get(p.index());
        if (w < 0 || w > p.hiddenChannels()) {
          faults.add(
              "block "
                  + b.name()
                  + " path "
                  + p.index()
                  + " (kernel "
                  + p.kernelSize()
                  + ") has "
                  + w
                  + " hidden channels but the supernet has "
                  + (w < 0 ? "at least 0" : p.hiddenChannels()));
        }
      }
    }
    for (String name : arch.hidden().keySet()) {
      if (space.blocks().stream().noneMatch(b -> b.name().equals(name))) {
        faults.add("block " + name + " is not in the space");
      }
    }
    if (!faults.isEmpty()) {
      failWithMessage(
          "%s",
          "expected every path width to be at most the supernet's width in "
              + space.name()
              + " but "
              + faults.size()
              + " "
              + (faults.size() == 1 ? "fault" : "faults")
              + ": "
              + String.join("; ", faults.subList(0, Math.min(LISTED, faults.size())))
              + (faults.size() > LISTED ? "; ..." : ""));
    }
    return this;
  }

  /** Every stored mask value is exactly 0 or 1. */
  public SuperTicketAssert hasBinaryMasks() {
    isNotNull();
    maskAssert().isBinary();
    return this;
  }

  /**
   * Pruned weights have no effect, checked by behaviour on a fresh copy of the ticket's network and
   * a seeded random input of two images: large noise added to the stored values of every pruned
   * weight leaves the eval-mode output unchanged, and after one training-mode forward and backward
   * pass no gradient reaches a pruned weight. Vacuously true for a ticket without pruned weights.
   */
  public SuperTicketAssert hasInactivePrunedWeights() {
    isNotNull();
    var input = actual.space().input();
    INDArray x =
        Tensors.gaussian(
            new SplittableRandom(PROBE_SEED),
            1,
            DataType.FLOAT,
            PROBE_IMAGES,
            input.height(),
            input.width(),
            input.channels());
    Optional<String> fault = PrunedWeightsProbe.check(actual.network(), x, PROBE_SEED);
    fault.ifPresent(m -> failWithMessage("%s", m));
    return this;
  }

  /**
   * This ticket is {@code other}, bit for bit: the same architecture, and every weight, buffer and
   * mask holding the same values in the same order, as two draws from one seed on one backend must
   * be.
   */
  public SuperTicketAssert isBitIdenticalTo(SuperTicket other) {
    checkNotNull(other, "other ticket must not be null");
    isNotNull();
    if (!actual.architecture().equals(other.architecture())) {
      failWithMessage(
          "%s",
          "expected the other ticket's architecture "
              + other.architecture()
              + " but was "
              + actual.architecture());
    }
    for (boolean masks : new boolean[] {false, true}) {
      Map<String, INDArray> mine = masks ? actual.state().masks() : actual.state().values();
      Map<String, INDArray> theirs = masks ? other.state().masks() : other.state().values();
      String what = masks ? "mask" : "tensor";
      if (!mine.keySet().equals(theirs.keySet())) {
        failWithMessage(
            "%s",
            "expected the other ticket's "
                + what
                + "s "
                + theirs.keySet()
                + " but had "
                + mine.keySet());
      }
      for (Map.Entry<String, INDArray> e : mine.entrySet()) {
        float[] a = e.getValue().dup().data().asFloat();
        float[] b = theirs.get(e.getKey()).dup().data().asFloat();
        int at = Arrays.mismatch(floatBits(a), floatBits(b));
        if (at >= 0) {
          failWithMessage(
              "%s",
              what
                  + " "
                  + e.getKey()
                  + " differs from the other ticket's at entry "
                  + at
                  + (at < Math.min(a.length, b.length)
                      ? ": " + a[at] + " vs " + b[at]
                      : " (" + a.length + " vs " + b.length + " entries)"));
        }
      }
    }
    return this;
  }

  private static int[] floatBits(float[] a) {
    int[] bits = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      bits[i] = Float.floatToRawIntBits(a[i]);
    }
    return bits;
  }

  /**
   * This ticket's predictions on {@code images} (NHWC, in [0, 1]) are within {@code tolerance} of
   * {@code other}'s, entry by entry, e.g. after a save and load round trip.
   */
  public SuperTicketAssert predictsLike(SuperTicket other, INDArray images, double tolerance) {
    checkNotNull(other, "other ticket must not be null");
    checkNotNull(images, "images must not be null");
    checkArgument(
        images.rank() == 4,
        "images must be NHWC [N, H, W, C], got shape %s",
        Arrays.toString(images.shape()));
    checkArgument(tolerance >= 0, "tolerance must not be negative, got %s", tolerance);
    isNotNull();
    INDArray mine = actual.predict(images);
    INDArray theirs = other.predict(images);
    if (!Arrays.equals(mine.shape(), theirs.shape())) {
      failWithMessage(
          "%s",
          "expected predictions like the other ticket's but their shapes differ: "
              + Arrays.toString(mine.shape())
              + " vs "
              + Arrays.toString(theirs.shape()));
    }
    double[] a = Numbers.values(mine);
    double[] b = Numbers.values(theirs);
    int worst = -1;
    double largest = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] == b[i] ? 0 : Math.abs(a[i] - b[i]);
      d = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
      if (d > largest) {
        largest = d;
        worst = i;
      }
    }
    if (largest > tolerance) {
      failWithMessage(
          "%s",
          "expected predictions within "
              + num(tolerance)
              + " of the other ticket's on "
              + images.size(0)
              + " images but they differ by up to "
              + num(largest)
              + " ("
              + where(mine.shape(), worst)
              + ": "
              + num(a[worst])
              + " vs "
              + num(b[worst])
              + ")");
    }
    return this;
  }

  /** Accuracy on {@code data} ({@link SuperTicket#evaluate}) is at least {@code minimum}. */
  public SuperTicketAssert hasAccuracyAtLeast(Dataset data, double minimum) {
    checkNotNull(data, "data set must not be null");
    checkArgument(
        minimum >= 0 && minimum <= 1, "minimum accuracy must be in [0, 1], got %s", minimum);
    isNotNull();
    double accuracy = actual.evaluate(data).accuracy();
    if (accuracy < minimum) {
      failWithMessage(
          "%s",
          "expected accuracy at least "
              + num(minimum)
              + " on "
              + data.name()
              + " ("
              + count(data.size())
              + " images) but was "
              + num(accuracy, minimum));
    }
    return this;
  }

  /** Assertions on the ticket's masks, keyed by parameter name. */
  public MaskAssert masks() {
    isNotNull();
    return maskAssert();
  }

  private Profiler.Cost cost() {
    if (cost == null) {
      cost = actual.cost();
    }
    return cost;
  }

  /** Kept (non-zero) and total entries over the ticket's masks. */
  private long[] keptAndTotal() {
    long kept = 0;
    long total = 0;
    for (INDArray m : actual.state().masks().values()) {
      for (double v : Numbers.values(m)) {
        kept += v != 0 ? 1 : 0;
      }
      total += m.length();
    }
    return new long[] {kept, total};
  }

  private static double sparsity(long[] c) {
    return c[1] == 0 ? 0 : 1 - (double) c[0] / c[1];
  }

  private static String active(long[] c) {
    return "(" + count(c[0]) + " of " + count(c[1]) + " prunable weights active)";
  }

  private String architecture() {
    Architecture a = actual.architecture();
    return "architecture of "
        + count(a.totalHidden())
        + " hidden channels in "
        + a.livePaths()
        + " paths";
  }

  private static String where(long[] shape, int flat) {
    long perImage = Tensors.length(shape) / shape[0];
    long image = flat / perImage;
    long rest = flat % perImage;
    if (shape.length == 4) {
      long classes = shape[3];
      long pixel = rest / classes;
      return "image "
          + image
          + ", pixel ("
          + pixel / shape[2]
          + ", "
          + pixel % shape[2]
          + "), class "
          + rest % classes;
    }
    return "image " + image + ", output " + rest;
  }

  /** The components in which two spaces differ, with both values where they are short. */
  private static List<String> differences(SearchSpace a, SearchSpace b) {
    List<String> out = new ArrayList<>();
    if (!a.name().equals(b.name())) {
      out.add("name (\"" + a.name() + "\" vs \"" + b.name() + "\")");
    }
    if (!a.input().equals(b.input())) {
      out.add("input (" + a.input() + " vs " + b.input() + ")");
    }
    if (!a.block().equals(b.block())) {
      out.add("block (" + a.block() + " vs " + b.block() + ")");
    }
    Map<String, Boolean> same = new LinkedHashMap<>();
    same.put("stem", a.stem().equals(b.stem()));
    same.put("stages", a.stages().equals(b.stages()));
    same.put("chain", a.chain().equals(b.chain()));
    same.put("batch norm", a.batchNorm().equals(b.batchNorm()));
    same.put("head", Objects.equals(a.head(), b.head()));
    same.forEach(
        (k, v) -> {
          if (!v) {
            out.add(k);
          }
        });
    return out;
  }
}

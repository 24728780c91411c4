package dev.supertickets.draw;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.nn.ChannelCut;
import dev.supertickets.nn.Param;
import dev.supertickets.space.PathPenalty;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.supernet.InvertedResidualChannels;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.train.Ema;
import dev.supertickets.train.Trainer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The architecture search's channel cut (§2.3 of the algorithm spec), a building block of a joint
 * loop: a hidden channel of a searchable path is dead when its importance-BN scale |γ| is at or
 * below the threshold, both live and in the EMA (in the EMA alone when {@code emaOnly}, as at a
 * draw's last epoch). The dead channels are cut out of the supernet when they carry at least {@code
 * minShrinkFraction} of the supernet's MACs (any amount when {@code emaOnly}); the trainer then
 * slices its optimizer and EMA state to match ({@link Trainer#followCuts}). With {@link
 * Reactivation#REFERENCE} the masks of the rebuilt paths' convolutions are reset, as the official
 * code's rebuild does, so that the next prune event re-selects among all their weights.
 */
public final class ChannelShrink {
  private final Map<String, Long> macsPerChannel;
  private final double threshold;
  private final long minMacs;
  private final Reactivation reactivation;

  private ChannelShrink(
      SearchSpace space, double threshold, double minShrinkFraction, Reactivation reactivation) {
    Map<String, Long> m = new HashMap<>();
    for (PathPenalty p : space.cost().penalties()) {
      m.put(key(space.blocks().get(p.blockIndex()).name(), p.kernelSize()), p.macsPerChannel());
    }
    this.macsPerChannel = m;
    this.threshold = threshold;
    this.minMacs = Math.round(minShrinkFraction * space.cost().macs());
    this.reactivation = reactivation;
  }

  /**
   * The shrink of {@code space}'s supernet with the recipe's threshold and minimum, and the given
   * reactivation.
   */
  public static ChannelShrink of(SearchSpace space, Recipe recipe, Reactivation reactivation) {
    checkNotNull(space, "search space must not be null");
    checkNotNull(recipe, "recipe must not be null; e.g. Recipe.standard()");
    checkNotNull(reactivation, "reactivation must not be null; e.g. Reactivation.REFERENCE");
    return new ChannelShrink(
        space, recipe.shrinkThreshold(), recipe.minShrinkFraction(), reactivation);
  }

  /**
   * Cuts the dead channels of {@code net}, which {@code trainer} trains, and returns whether any
   * were cut.
   *
   * @param emaOnly whether the EMA alone decides (a channel whose live scale recovered is cut all
   *     the same) and any saving is enough, as at the last epoch of a draw
   */
  public boolean apply(Supernet net, Trainer trainer, boolean emaOnly) {
    checkNotNull(net, "supernet must not be null");
    checkNotNull(trainer, "trainer must not be null");
    checkArgument(
        trainer.model() == net,
        "the trainer trains another model than this supernet; pass the trainer " + "built for it");
    Ema ema = trainer.ema();
    long deadMacs = 0;
    Map<String, boolean[][]> keep = new LinkedHashMap<>();
    boolean anyCut = false;
    for (Map.Entry<String, InvertedResidualChannels> b : net.blocks().entrySet()) {
      List<InvertedResidualChannels.Path> paths = b.getValue().paths();
      boolean[][] k = new boolean[paths.size()][];
      for (int i = 0; i < paths.size(); i++) {
        Param gamma = paths.get(i).importanceBn().gamma();
        float[] live = gamma.value().dup().data().asFloat();
        float[] avg = ema == null ? live : ema.shadow(gamma).dup().data().asFloat();
        long f = macsPerChannel.getOrDefault(key(b.getKey(), paths.get(i).kernel()), 0L);
        k[i] = new boolean[live.length];
        for (int c = 0; c < live.length; c++) {
          boolean emaAlive = Math.abs(avg[c]) > threshold;
          if (!emaAlive) {
            deadMacs += f;
          }
          k[i][c] = emaOnly ? emaAlive : emaAlive || Math.abs(live[c]) > threshold;
          anyCut |= !k[i][c];
        }
      }
      keep.put(b.getKey(), k);
    }
    if (!anyCut || (deadMacs < minMacs && !emaOnly)) {
      return false;
    }
    List<ChannelCut> cuts = net.keep(keep);
    trainer.followCuts(cuts);
    if (reactivation == Reactivation.REFERENCE) {
      for (InvertedResidualChannels b : net.blocks().values()) {
        for (InvertedResidualChannels.Path p : b.paths()) {
          for (Param w : p.convWeights()) {
            w.clearMask();
          }
        }
      }
    }
    return true;
  }

  private static String key(String block, int kernel) {
    return block + "@" + kernel;
  }
}

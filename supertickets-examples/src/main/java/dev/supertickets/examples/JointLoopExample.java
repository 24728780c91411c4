package dev.supertickets.examples;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.data.Loader;
import dev.supertickets.data.Normalization;
import dev.supertickets.draw.ChannelShrink;
import dev.supertickets.draw.PruneEvents;
import dev.supertickets.draw.Reactivation;
import dev.supertickets.draw.Recipe;
import dev.supertickets.draw.ResourcePenalty;
import dev.supertickets.mask.MaskContext;
import dev.supertickets.mask.MaskPolicy;
import dev.supertickets.mask.Masks;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.supernet.HrSupernet;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.RandomStreams;
import dev.supertickets.ticket.Provenance;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.train.AdamW;
import dev.supertickets.train.BnCalibration;
import dev.supertickets.train.L2Penalty;
import dev.supertickets.train.LrSchedule;
import dev.supertickets.train.Trainer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The SuperTickets loop written out from the library's building blocks, for users who want their
 * own joint search-and-prune loop: the supernet, a {@link Trainer} with the {@link ResourcePenalty}
 * that drives the search, the {@link ChannelShrink} at each epoch's end, {@link PruneEvents} and
 * the recipe's {@link dev.supertickets.draw.PruneSchedule} for when and how far to prune, a {@link
 * MaskPolicy}, and the EMA with re-calibrated BN for the ticket. With the same settings it draws
 * the same ticket, bit for bit, as {@link dev.supertickets.draw.SuperTicketsDrawer} (its test
 * checks that); change any line to try a variant.
 */
public final class JointLoopExample {
  private JointLoopExample() {}

  /**
   * Draws a ticket of {@code space} on {@code train} at {@code target} sparsity in {@code epochs}
   * epochs.
   */
  public static SuperTicket draw(
      SearchSpace space, Recipe recipe, int epochs, double target, long seed, Dataset train) {
    Backend.init();
    RandomStreams seeds = new RandomStreams(seed); // one seed, one named stream per purpose
    HrSupernet net = new HrSupernet(space, seeds.stream("init"));
    Normalization norm = Normalization.of(train);
    Loader loader =
        Loader.builder(train)
            .batchSize(recipe.batchSize())
            .shuffle(true)
            .augmentation(recipe.augmentation())
            .normalization(norm)
            .seed(seeds.stream("data").nextLong())
            .build();
    int steps = loader.batchesPerEpoch();
    Trainer trainer =
        Trainer.builder(net)
            .loss(SuperTicket.lossFor(train, recipe.labelSmoothing()))
            .optimizer(new AdamW(0.9, 0.999, 1e-3, 0))
            .schedule(LrSchedule.oneCycle(recipe.learningRate(), (long) epochs * steps))
            .l2(L2Penalty.onWeights(recipe.weightDecay()))
            .regularizer(
                new ResourcePenalty(
                    net, recipe.rho(), Math.round(recipe.rhoWarmup() * epochs * steps)))
            .ema(recipe.emaDecay())
            .bnCalibration(recipe.calibrationBatches())
            .build();
    ChannelShrink shrink = ChannelShrink.of(space, recipe, Reactivation.REFERENCE);
    PruneEvents events = PruneEvents.of(epochs, 1, recipe.minPruneEvents(), steps);
    MaskPolicy policy = recipe.maskPolicy();
    int[] done = {0};
    for (int e = 0; e < epochs; e++) {
      boolean last = e == epochs - 1;
      trainer.epoch(
          loader,
          e,
          new Trainer.EpochProgress(),
          (t, epoch) -> {
            long g = trainer.globalStep();
            if (!events.endsEpoch(g) && events.due(g) > done[0]) { // events inside the epoch
              done[0] = events.due(g);
              prune(
                  net,
                  policy,
                  loader,
                  recipe,
                  done[0],
                  events,
                  target,
                  seeds.stream("prune-event", done[0]));
            }
          });
      boolean shrunk =
          shrink.apply(net, trainer, last); // the search: cut channels whose BN scale died
      int due = events.due(trainer.globalStep());
      if (due > done[0]
          || last
          || (shrunk && done[0] > 0)) { // a shrink reset the rebuilt paths' masks
        done[0] = Math.max(done[0], due);
        prune(net, policy, loader, recipe, done[0], events, target, seeds.stream("prune", e));
      }
    }
    trainer.ema().swap(); // the ticket holds the EMA weights, with BN statistics measured for them
    BnCalibration.recalibrate(net, loader, recipe.calibrationBatches(), epochs - 1);
    Map<String, Object> provenance = new LinkedHashMap<>(recipe.entries());
    provenance.put("method", "joint-loop-example");
    provenance.put("seed", seed);
    provenance.put("epochs", epochs);
    provenance.put("targetSparsity", target);
    return SuperTicket.of(net, norm, Provenance.of(provenance));
  }

  private static void prune(
      HrSupernet net,
      MaskPolicy policy,
      Loader data,
      Recipe recipe,
      int event,
      PruneEvents events,
      double target,
      java.util.SplittableRandom seed) {
    double sparsity = recipe.pruneSchedule().sparsity(event, events.count(), target);
    Masks.install(
        policy.masks(MaskContext.builder(net).data(data).seed(seed.nextLong()).build(), sparsity));
  }

  /** Draws a tiny ticket on the embedded subset and prints it. */
  public static void main(String[] args) {
    Dataset train = EmbeddedFashionMnist.train();
    SuperTicket t = draw(SearchSpaces.tiny28(), Recipe.standard(), 3, 0.8, 42, train);
    System.out.printf(
        Locale.ROOT,
        "joint loop: sparsity %.3f, %,d MACs, test accuracy %.3f%n",
        t.sparsity(),
        t.cost().macs(),
        t.evaluate(EmbeddedFashionMnist.test()).accuracy());
  }
}

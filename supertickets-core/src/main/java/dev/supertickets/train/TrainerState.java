package dev.supertickets.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.supertickets.nn.BatchNorm;
import dev.supertickets.nn.Dropout;
import dev.supertickets.nn.Modules;
import dev.supertickets.nn.Param;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Everything of a {@link Trainer} that a resumed run needs besides the model's own weights and
 * masks: the optimizer's per-parameter state and step count, the EMA's shadows of weights and BN
 * statistics with its update count, each dropout layer's random position, and the global step.
 * Captured and restored by parameter and layer name, so that any drawer that checkpoints its model
 * can resume its trainer bit for bit.
 *
 * @param optimizer optimizer state slots by parameter name (parameters without state left out)
 * @param optimizerSteps the optimizer's step count
 * @param emaShadows EMA shadows by parameter name (empty without EMA)
 * @param emaStats EMA shadows of BN running statistics, by {@code GAMMA_NAME.mean} and {@code
 *     GAMMA_NAME.var}
 * @param emaUpdates the EMA's update count (drives its warm-up)
 * @param dropouts each dropout layer's seed and calls so far, in the model's order
 * @param globalStep mini-batches trained so far
 */
public record TrainerState(
    ImmutableMap<String, ImmutableList<INDArray>> optimizer,
    long optimizerSteps,
    ImmutableMap<String, INDArray> emaShadows,
    ImmutableMap<String, INDArray> emaStats,
    long emaUpdates,
    ImmutableList<long[]> dropouts,
    long globalStep) {

  /** Copies the collections (the arrays are shared, not copied). */
  public TrainerState {
    optimizer = ImmutableMap.copyOf(checkNotNull(optimizer, "optimizer state must not be null"));
    emaShadows = ImmutableMap.copyOf(checkNotNull(emaShadows, "ema shadows must not be null"));
    emaStats = ImmutableMap.copyOf(checkNotNull(emaStats, "ema statistics must not be null"));
    dropouts = ImmutableList.copyOf(checkNotNull(dropouts, "dropout positions must not be null"));
  }

  /**
   * The state of {@code trainer} now; the arrays are the live ones, so write them out before
   * training on.
   */
  public static TrainerState capture(Trainer trainer) {
    checkNotNull(trainer, "trainer must not be null");
    Map<String, ImmutableList<INDArray>> opt = new LinkedHashMap<>();
    Map<String, INDArray> shadows = new LinkedHashMap<>();
    Map<String, INDArray> stats = new LinkedHashMap<>();
    Ema ema = trainer.ema();
    for (Param p : trainer.model().params()) {
      List<INDArray> s = trainer.optimizer().state(p);
      if (!s.isEmpty()) {
        opt.put(p.name(), ImmutableList.copyOf(s));
      }
      if (ema != null && ema.shadow(p) != null) {
        shadows.put(p.name(), ema.shadow(p));
      }
    }
    if (ema != null) {
      for (BatchNorm bn : Modules.ofType(trainer.model(), BatchNorm.class)) {
        INDArray[] s = ema.statsShadow(bn);
        if (s != null) {
          stats.put(bn.gamma().name() + ".mean", s[0]);
          stats.put(bn.gamma().name() + ".var", s[1]);
        }
      }
    }
    ImmutableList.Builder<long[]> drop = ImmutableList.builder();
    for (Dropout d : Modules.ofType(trainer.model(), Dropout.class)) {
      drop.add(new long[] {d.seed(), d.calls()});
    }
    return new TrainerState(
        ImmutableMap.copyOf(opt),
        trainer.optimizer().steps(),
        ImmutableMap.copyOf(shadows),
        ImmutableMap.copyOf(stats),
        ema == null ? 0 : ema.updates(),
        drop.build(),
        trainer.globalStep());
  }

  /**
   * Puts this state into {@code trainer}, whose model must already hold the captured run's
   * architecture and weights (same parameter names, same dropout layers).
   */
  public void restore(Trainer trainer) {
    checkNotNull(trainer, "trainer must not be null");
    Ema ema = trainer.ema();
    for (Param p : trainer.model().params()) {
      List<INDArray> s = optimizer.get(p.name());
      if (s != null) {
        trainer.optimizer().setState(p, s);
      }
      INDArray shadow = emaShadows.get(p.name());
      if (ema != null && shadow != null) {
        ema.setShadow(p, shadow);
      }
    }
    if (ema != null) {
      for (BatchNorm bn : Modules.ofType(trainer.model(), BatchNorm.class)) {
        INDArray mean = emaStats.get(bn.gamma().name() + ".mean");
        INDArray var = emaStats.get(bn.gamma().name() + ".var");
        if (mean != null && var != null) {
          ema.statsShadow(bn)[0].assign(mean);
          ema.statsShadow(bn)[1].assign(var);
        }
      }
      ema.setUpdates(emaUpdates);
    }
    trainer.optimizer().setSteps(optimizerSteps);
    List<Dropout> drops = Modules.ofType(trainer.model(), Dropout.class);
    checkArgument(
        drops.size() == dropouts.size(),
        "the saved state records %s dropout layers, the model has %s; "
            + "restore into the model of the run that was saved",
        dropouts.size(),
        drops.size());
    for (int i = 0; i < drops.size(); i++) {
      drops.get(i).restore(dropouts.get(i)[0], dropouts.get(i)[1]);
    }
    trainer.setGlobalStep(globalStep);
  }
}

package dev.supertickets.sparse;

import dev.supertickets.draw.DrawListener;
import dev.supertickets.draw.DrawListeners;
import dev.supertickets.mask.Masks;
import dev.supertickets.mask.Selector;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.Profiler;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.train.StepHook;
import dev.supertickets.train.Trainer;
import dev.supertickets.train.TrainingListener;
import java.util.List;

/**
 * Tells {@link DrawListener}s about a sparse drawer's training runs, so that progress bars and
 * reports work for GMP, SET, RigL, Sup-tickets, IMP and Early-bird as for SuperTickets: a step hook
 * notes the model being trained, and each epoch's end becomes a {@link DrawListener.DrawEvent} with
 * the model's sparsity and cost (each IMP level is a run of its own, numbered from its first
 * epoch).
 */
final class DrawListenerBridge implements StepHook, TrainingListener {
  private final DrawListeners listeners;
  private Module model;
  private double lastSparsity;

  DrawListenerBridge(List<DrawListener> listeners) {
    this.listeners = DrawListeners.of(listeners);
  }

  @Override
  public void afterStep(Trainer trainer, int epoch) {
    if (trainer.model() != model) {
      model = trainer.model();
      lastSparsity = 0;
    }
  }

  @Override
  public boolean changesModel() {
    return false; // it only looks at the model, so the masks a ticket records as fixed stay fixed
  }

  @Override
  public void onStep(StepEvent e) {
    listeners.onStep(e);
  }

  @Override
  public void onEpoch(EpochEvent e) {
    double sparsity = Masks.sparsity(Selector.prunableWeights().select(model.params()));
    Profiler.Cost cost = model instanceof Supernet s ? s.cost() : Profiler.lastCost(model);
    long hidden = model instanceof Supernet s ? s.hiddenChannels() : 0;
    double test = e.eval() == null ? Double.NaN : e.eval().accuracy();
    DrawListener.DrawEvent ev =
        new DrawListener.DrawEvent(
            e.epoch(),
            e.epochs(),
            e.trainLoss(),
            e.trainAccuracy(),
            test,
            sparsity,
            cost.macs(),
            cost.sparseMacs(),
            hidden,
            false,
            sparsity != lastSparsity,
            e.elapsedMillis());
    lastSparsity = sparsity;
    listeners.onEpoch(ev);
    if (e.epoch() == e.epochs() - 1) {
      DrawListener.DrawSummary s =
          new DrawListener.DrawSummary(
              cost.macs(),
              cost.sparseMacs(),
              sparsity,
              hidden,
              test,
              0,
              false,
              -1,
              e.elapsedMillis());
      listeners.onFinish(s);
    }
  }
}

package dev.supertickets.draw;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.supertickets.mask.MaskSet;
import dev.supertickets.train.TrainingListener;
import java.util.List;
import java.util.function.Supplier;

/**
 * A drawer's listeners as one {@link DrawListener}: every event goes to each, in the order they
 * were added. What every drawer holds, so that none writes its own loop; {@link #masks} captures
 * the masks only when someone listens.
 */
public final class DrawListeners implements DrawListener {
  private final ImmutableList<DrawListener> all;

  private DrawListeners(List<? extends DrawListener> all) {
    this.all = ImmutableList.copyOf(all);
  }

  /** The listeners, in order (a copy). */
  public static DrawListeners of(List<? extends DrawListener> listeners) {
    return new DrawListeners(
        checkNotNull(listeners, "listeners must not be null; pass List.of() for none"));
  }

  /** Whether nobody listens. */
  public boolean isEmpty() {
    return all.isEmpty();
  }

  /**
   * Tells of new masks; {@code masks} is called only when someone listens, since a capture copies
   * every mask.
   */
  public void masks(long step, double sparsity, Supplier<MaskSet> masks) {
    if (!all.isEmpty()) {
      onMasks(new MaskEvent(step, sparsity, masks.get()));
    }
  }

  @Override
  public void onEpoch(DrawEvent e) {
    all.forEach(l -> l.onEpoch(e));
  }

  @Override
  public void onStep(TrainingListener.StepEvent e) {
    all.forEach(l -> l.onStep(e));
  }

  @Override
  public void onResume(List<DrawEvent> history) {
    all.forEach(l -> l.onResume(history));
  }

  @Override
  public void onFinish(DrawSummary s) {
    all.forEach(l -> l.onFinish(s));
  }

  @Override
  public void onMasks(MaskEvent e) {
    all.forEach(l -> l.onMasks(e));
  }

  @Override
  public void onRound(RoundEvent e) {
    all.forEach(l -> l.onRound(e));
  }
}

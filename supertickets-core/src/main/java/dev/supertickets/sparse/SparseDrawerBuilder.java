package dev.supertickets.sparse;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.data.Normalization;
import dev.supertickets.draw.DrawListener;
import dev.supertickets.draw.Recipe;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.ticket.Retrainer;
import dev.supertickets.ticket.SuperTicket;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings every drawer of this package shares: the space, the one seed, the training recipe,
 * the input normalisation, the draw listeners and the checkpoint folder. The seed replaces the
 * recipe's own, so that one seed decides initial weights, masks and data order.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class SparseDrawerBuilder<B extends SparseDrawerBuilder<B>> {
  final SearchSpace space;
  long seed = 1995;
  Retrainer retrainer = Retrainer.builder().build();
  Normalization normalization;
  final List<DrawListener> drawListeners = new ArrayList<>();
  java.nio.file.Path checkpoint;

  SparseDrawerBuilder(SearchSpace space) {
    this.space = checkNotNull(space, "search space must not be null; e.g. SearchSpaces.tiny28()");
  }

  abstract B self();

  /**
   * The one seed: initial weights ({@link SuperTicket#initial}), the method's own random choices,
   * and the recipe's data order (its own seed is replaced); default 1995.
   */
  public B seed(long s) {
    this.seed = s;
    return self();
  }

  /**
   * The training recipe (epochs, batch size, learning rate and schedule, EMA, BN re-calibration);
   * its hooks and listeners run too; default {@code Retrainer.builder().build()}.
   */
  public B retrainer(Retrainer r) {
    this.retrainer =
        checkNotNull(r, "retrainer must not be null; e.g. Retrainer.builder().epochs(10).build()");
    return self();
  }

  /**
   * The shared training recipe, as a SuperTickets draw takes it ({@link Recipe#training}: batch
   * size, one-cycle AdamW, L2, label smoothing, EMA, BN re-calibration, augmentation), for the
   * epochs set so far; replaces the retrainer, its hooks and listeners included. {@code
   * GmpDrawer.builder(space).recipe(Recipe.standard()) .epochs(10)} trains as {@code
   * SuperTicketsDrawer.builder(space).recipe(Recipe.standard()).epochs(10)} does.
   */
  public B recipe(Recipe r) {
    checkNotNull(r, "recipe must not be null; e.g. Recipe.standard()");
    this.retrainer = r.training(retrainer.epochs()).build();
    return self();
  }

  /**
   * Epochs of each training run (IMP: of each level's), positive; changes the retrainer's epochs
   * only.
   */
  public B epochs(int n) {
    this.retrainer = retrainer.toBuilder().epochs(n).build();
    return self();
  }

  /** The input normalisation of the ticket; default {@link Normalization#of} the training data. */
  public B normalization(Normalization n) {
    this.normalization =
        checkNotNull(
            n,
            "normalisation must not be null; leave it unset to compute it from "
                + "the training data");
    return self();
  }

  /**
   * Adds a draw listener (may be called several times), told of every training epoch as the
   * SuperTickets drawer tells it: progress bars ({@link dev.supertickets.draw.ConsoleProgress}) and
   * reports work for this drawer too. IMP and Early-bird train several runs; each run's epochs are
   * numbered from 0.
   */
  public B listener(DrawListener l) {
    drawListeners.add(checkNotNull(l, "listener must not be null"));
    return self();
  }

  /**
   * Keeps the draw's progress in {@code folder} ({@link dev.supertickets.ticket.DrawProgress}): a
   * checkpoint of the training run after every epoch, and each finished stage (an IMP level,
   * Early-bird's search) as a ticket. A draw killed mid-way and run again with the same settings
   * and data continues from there and ends with the ticket of an uninterrupted draw, bit for bit on
   * the same backend; a folder of a draw with other settings is refused. Default none.
   */
  public B checkpoint(java.nio.file.Path folder) {
    this.checkpoint =
        checkNotNull(folder, "checkpoint folder must not be null; leave it unset for none");
    return self();
  }

  /** The recipe with the seed in force, and the draw listeners attached. */
  Retrainer recipe() {
    Retrainer.Builder r = retrainer.toBuilder().seed(seed);
    if (!drawListeners.isEmpty()) {
      DrawListenerBridge bridge = new DrawListenerBridge(drawListeners);
      r.stepHook(bridge).listener(bridge);
    }
    return r.build();
  }
}

package dev.supertickets.sweep;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.Loader;
import dev.supertickets.data.Normalization;
import dev.supertickets.draw.Recipe;
import dev.supertickets.draw.SuperTicketsDrawer;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.mask.Scope;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.sparse.DstDrawer;
import dev.supertickets.sparse.GmpDrawer;
import dev.supertickets.sparse.ImpDrawer;
import dev.supertickets.sparse.SupTickets;
import dev.supertickets.ticket.DrawProgress;
import dev.supertickets.ticket.Provenance;
import dev.supertickets.ticket.Retrainer;
import dev.supertickets.ticket.SuperTicket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The methods a sweep cell can name, each one draw of a ticket at one sparsity with one recipe, as
 * the family comparison runs them: the same recipe ({@link Recipe#training}) for every training
 * run, ERK densities for the dynamic sparse methods, 16 mask updates before 75% of the steps for
 * GMP and DST.
 */
public enum SweepMethod {
  /** The whole supernet trained once: the reference line. */
  DENSE("dense", false),
  /** Search and prune in one run. */
  SUPERTICKETS("supertickets", true),
  /** The search alone (SuperTickets at sparsity 0). */
  SEARCH_ONLY("search-only", false),
  /** The search, then one-shot ERK magnitude pruning and BN re-calibration, no retraining. */
  SEARCH_MAGNITUDE("search+magnitude", true),
  /** {@link #SEARCH_MAGNITUDE}, then a retraining run as long as the search. */
  SEARCH_MAGNITUDE_RETRAIN("search+magnitude+retrain", true),
  /** Gradual magnitude pruning, cubic schedule. */
  GMP("gmp", true),
  /** SET: dynamic sparse training with random growth. */
  SET("set", true),
  /** RigL: dynamic sparse training with gradient growth. */
  RIGL("rigl", true),
  /** Sup-tickets on RigL. */
  RIGL_SUP("rigl+sup", true),
  /**
   * Lottery tickets: iterative magnitude pruning, 20% a level per layer, rewinding to
   * initialisation.
   */
  IMP("imp", true);

  /** The methods' names, as cells and the command line write them. */
  public static final ImmutableList<String> NAMES =
      Arrays.stream(values()).map(SweepMethod::id).collect(ImmutableList.toImmutableList());

  /** Batches of BN re-calibration after a one-shot prune. */
  public static final int CALIBRATION_BATCHES = 10;

  private final String id;
  private final boolean prunes;

  SweepMethod(String id, boolean prunes) {
    this.id = id;
    this.prunes = prunes;
  }

  /** The name cells use. */
  public String id() {
    return id;
  }

  /**
   * Whether the method prunes to a target sparsity (the others train dense tickets, at sparsity 0).
   */
  public boolean prunes() {
    return prunes;
  }

  /** The method called {@code name}. */
  public static SweepMethod of(String name) {
    checkNotNull(name, "method name must not be null; use one of %s", NAMES);
    for (SweepMethod m : values()) {
      if (m.id.equals(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown method " + name + "; use one of " + NAMES);
  }

  /**
   * What a draw needs besides the method and sparsity.
   *
   * @param checkpoint the folder where the draw keeps its progress (checkpoints after every epoch,
   *     finished stages) and continues from, if anywhere; see {@link #draw}
   */
  public record Setting(
      SearchSpace space,
      Recipe recipe,
      int epochs,
      long seed,
      Normalization normalization,
      Dataset train,
      Dataset test,
      Optional<Path> checkpoint) {
    /** Checks that everything is there. */
    public Setting {
      checkNotNull(space, "space must not be null");
      checkNotNull(recipe, "recipe must not be null; use Recipe.standard()");
      checkNotNull(normalization, "normalisation must not be null; use Normalization.of(train)");
      checkNotNull(train, "training data must not be null");
      checkNotNull(test, "test data must not be null");
      checkNotNull(checkpoint, "checkpoint must not be null; use Optional.empty() for none");
      checkArgument(epochs >= 1, "epochs must be at least 1, got %s", epochs);
    }

    /**
     * The setting of {@code cell} (its space, recipe, epochs and seed) on its loaded data, with the
     * training data's normalisation.
     */
    public static Setting of(
        SweepCell cell, Dataset train, Dataset test, Optional<Path> checkpoint) {
      checkNotNull(cell, "cell must not be null");
      return new Setting(
          SearchSpaces.named(cell.space()),
          Recipe.named(cell.recipe()),
          cell.epochs(),
          cell.seed(),
          Normalization.of(train),
          train,
          test,
          checkpoint);
    }
  }

  /**
   * Draws this method's ticket at {@code sparsity}. With a checkpoint folder every method keeps its
   * progress there, and a draw killed mid-way and run again continues from it to the very ticket of
   * an uninterrupted draw (bit for bit on the same backend): the sparse drawers through their own
   * {@code checkpoint} folder, SuperTickets through {@value #SUPERTICKETS_CHECKPOINT}, the composed
   * methods (dense, search then prune, search then prune then retrain) as stages of a {@link
   * DrawProgress}.
   */
  public SuperTicket draw(Setting s, double sparsity) {
    checkArgument(
        prunes || sparsity == 0,
        "%s trains dense tickets; sparsity must be 0, got %s",
        id,
        sparsity);
    return switch (this) {
      case DENSE ->
          SuperTicket.initial(s.space(), s.normalization(), s.seed())
              .retrain(
                  s.train(), s.test(), progress(s, sparsity).checkpointed(retrainer(s), "train"));
      case SUPERTICKETS, SEARCH_ONLY -> superTickets(s, sparsity);
      case SEARCH_MAGNITUDE -> oneShot(s, searched(s, progress(s, sparsity)), sparsity);
      case SEARCH_MAGNITUDE_RETRAIN -> {
        DrawProgress progress = progress(s, sparsity);
        yield oneShot(s, searched(s, progress), sparsity)
            .retrain(s.train(), s.test(), progress.checkpointed(retrainer(s), "retrain"));
      }
      case GMP ->
          kept(
                  s,
                  GmpDrawer.builder(s.space())
                      .seed(s.seed())
                      .retrainer(retrainer(s))
                      .normalization(s.normalization())
                      .targetSparsity(sparsity)
                      .frequency(maskInterval(s)))
              .build()
              .draw(s.train(), s.test());
      case SET ->
          kept(s, dst(s, DstDrawer.Growth.RANDOM, sparsity)).build().draw(s.train(), s.test());
      case RIGL ->
          kept(s, dst(s, DstDrawer.Growth.GRADIENT, sparsity)).build().draw(s.train(), s.test());
      case RIGL_SUP ->
          kept(s, dst(s, DstDrawer.Growth.GRADIENT, sparsity).supTickets(supTickets(s)))
              .build()
              .draw(s.train(), s.test());
      case IMP ->
          kept(
                  s,
                  ImpDrawer.builder(s.space())
                      .seed(s.seed())
                      .retrainer(retrainer(s))
                      .normalization(s.normalization())
                      .pruningFraction(0.2)
                      .scope(Scope.PER_LAYER)
                      .milestones(sparsity))
              .build()
              .draw(s.train(), s.test());
    };
  }

  /** The fixed-architecture training every method but SuperTickets' own runs with. */
  public static Retrainer retrainer(Setting s) {
    return s.recipe().training(s.epochs()).seed(s.seed()).evalInterval(s.epochs()).build();
  }

  /**
   * SuperTickets' drawer at {@code sparsity} with the setting's recipe (the drawer's defaults
   * elsewhere).
   */
  public static SuperTicketsDrawer.Builder superTicketsDrawer(Setting s, double sparsity) {
    return SuperTicketsDrawer.builder(s.space())
        .recipe(s.recipe())
        .seed(s.seed())
        .epochs(s.epochs())
        .targetSparsity(sparsity)
        .normalization(s.normalization());
  }

  /**
   * Dynamic sparse training at {@code sparsity}: ERK densities, {@link #maskInterval} steps between
   * updates.
   */
  public static DstDrawer.Builder dst(Setting s, DstDrawer.Growth growth, double sparsity) {
    return DstDrawer.builder(s.space())
        .seed(s.seed())
        .retrainer(retrainer(s))
        .normalization(s.normalization())
        .growth(growth)
        .distribution(Scope.ERK)
        .targetSparsity(sparsity)
        .updateInterval(maskInterval(s));
  }

  /**
   * Sup-tickets within the run's epochs: the last half in cycles of one epoch (at least two
   * tickets).
   */
  public static SupTickets supTickets(Setting s) {
    return SupTickets.builder()
        .cycleEpochs(1)
        .cycleRate(0.5)
        .lr1(s.recipe().learningRate() / 20)
        .lr2(s.recipe().learningRate() / 4)
        .build();
  }

  /**
   * Steps between mask updates of GMP and DST: 16 updates before 75% of the steps. The papers' 100
   * to 1000 steps assume tens of thousands of steps; a short run would see one or two updates.
   */
  public static int maskInterval(Setting s) {
    long steps =
        (long) Loader.builder(s.train()).batchSize(s.recipe().batchSize()).build().batchesPerEpoch()
            * s.epochs();
    return (int) Math.max(1, Math.round(0.75 * steps / 16));
  }

  /** The searched ticket pruned one-shot by ERK magnitude, BN re-calibrated. */
  public static SuperTicket oneShot(Setting s, SuperTicket searched, double sparsity) {
    return searched
        .prune(MaskPolicies.magnitude().scope(Scope.ERK), sparsity, s.train(), s.seed())
        .recalibrate(s.train(), CALIBRATION_BATCHES, s.seed());
  }

  /** The file in a checkpoint folder where a SuperTickets draw checkpoints. */
  public static final String SUPERTICKETS_CHECKPOINT = "supertickets.ckpt";

  /** {@code b} keeping its progress in the setting's folder, if it has one. */
  private static <B extends dev.supertickets.sparse.SparseDrawerBuilder<B>> B kept(Setting s, B b) {
    return s.checkpoint().isPresent() ? b.checkpoint(s.checkpoint().get()) : b;
  }

  /** The progress of a composed method's draw in the setting's folder (none without one). */
  private DrawProgress progress(Setting s, double sparsity) {
    if (s.checkpoint().isEmpty()) {
      return DrawProgress.none();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", id);
    m.put("sparsity", sparsity);
    m.put("seed", s.seed());
    m.put("epochs", s.epochs());
    m.put("recipe", s.recipe());
    m.put("space", s.space().name());
    Provenance.putData(m, "data.", s.train(), s.test());
    return DrawProgress.in(s.checkpoint().get(), m);
  }

  /** The search-only ticket, kept as the stage {@code search} of {@code progress}. */
  private static SuperTicket searched(Setting s, DrawProgress progress) {
    return progress.stage("search", () -> superTickets(s, 0));
  }

  private static SuperTicket superTickets(Setting s, double sparsity) {
    if (s.checkpoint().isEmpty()) {
      return superTicketsDrawer(s, sparsity).build().draw(s.train(), s.test());
    }
    Path file = s.checkpoint().get().resolve(SUPERTICKETS_CHECKPOINT);
    SuperTicketsDrawer drawer = superTicketsDrawer(s, sparsity).checkpoint(file, 0).build();
    try {
      Files.createDirectories(file.getParent());
      return dev.supertickets.io.AtomicFiles.exists(file)
          ? drawer.resume(file, s.train(), s.test())
          : drawer.draw(s.train(), s.test());
    } catch (IOException e) {
      throw new UncheckedIOException("could not resume from " + file, e);
    }
  }
}

package dev.supertickets.experiments;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.draw.Recipe;
import dev.supertickets.mask.Scope;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The settings of {@link Baselines}, read from the command line by {@code supertickets compare}
 * (which {@link Baselines#main} runs); {@code --help} lists every option with its default.
 *
 * @param space search space name: {@code reference28}, {@code tiny28} or {@code default28}
 * @param data {@code full} (Fashion-MNIST from disk) or {@code embedded} (the subset in the jar)
 * @param epochs epochs of each draw (SuperTickets and search-only)
 * @param retrainEpochs epochs of the fixed-mask retraining of the search, prune, retrain row
 * @param sparsity target unstructured sparsity of every pruned row
 * @param seed the one seed of every draw, prune and retraining
 * @param trainLimit use a seeded random subset of this many training images (0: all)
 * @param testLimit use a seeded random subset of this many test images (0: all)
 * @param recipe the recipe of draws and retraining
 * @param scope how every mask policy (the drawer's included) spreads the pruning budget over the
 *     tensors
 * @param out output directory of {@code baselines.md} and {@code baselines.json}
 * @param saveTickets whether to save every row's ticket as {@code <method>.stkt} in {@code out}
 */
public record BaselineOptions(
    String space,
    String data,
    int epochs,
    int retrainEpochs,
    double sparsity,
    long seed,
    int trainLimit,
    int testLimit,
    Recipe recipe,
    Scope scope,
    Path out,
    boolean saveTickets) {

  /** Validates the values (messages name the option, the value, the rule and a fix). */
  public BaselineOptions {
    checkArgument(SPACES.contains(space), "--space must be one of %s, got %s", SPACES, space);
    FashionMnistChoice.of(data);
    checkArgument(epochs > 0, "--epochs must be positive, got %s; e.g. --epochs 10", epochs);
    checkArgument(
        retrainEpochs > 0,
        "--retrain-epochs must be positive, got %s; e.g. --retrain-epochs %s",
        retrainEpochs,
        epochs);
    checkArgument(
        sparsity > 0 && sparsity < 1,
        "--sparsity must be in (0, 1), got %s; e.g. --sparsity 0.9",
        sparsity);
    checkArgument(trainLimit >= 0, "--train-limit must be 0 (all) or positive, got %s", trainLimit);
    checkArgument(testLimit >= 0, "--test-limit must be 0 (all) or positive, got %s", testLimit);
    checkNotNull(recipe, "recipe must not be null; e.g. Recipe.standard()");
    checkArgument(
        trainLimit == 0 || trainLimit >= recipe.batchSize(),
        "--train-limit %s is smaller than one batch of %s; raise it or lower --batch-size",
        trainLimit,
        recipe.batchSize());
    checkNotNull(scope, "--scope must be erk, global or per-layer");
  }

  /** The presets for 1x28x28 images with 10 classes, the data these tables run on. */
  static final List<String> SPACES = List.of("reference28", "tiny28", "default28");

  /** The search space named by {@link #space()}. */
  public SearchSpace searchSpace() {
    return SearchSpaces.named(space);
  }

  /** The mini-batch size of draws and retraining (the recipe's). */
  public int batchSize() {
    return recipe.batchSize();
  }

  /** Every setting, for the report. */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("space", space);
    m.put("data", data);
    m.put("epochs", epochs);
    m.put("retrainEpochs", retrainEpochs);
    m.put("sparsity", sparsity);
    m.put("seed", seed);
    m.put("trainLimit", trainLimit);
    m.put("testLimit", testLimit);
    m.put("recipe", recipe.presetName());
    m.put("batchSize", recipe.batchSize());
    m.put("learningRate", recipe.learningRate());
    m.put("rho", recipe.rho());
    m.put("scope", scope.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    m.put("out", out.toString());
    return m;
  }
}

package dev.supertickets.examples;

import static com.google.common.base.Preconditions.checkArgument;

import dev.supertickets.draw.Recipe;
import dev.supertickets.mask.Scope;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The settings of {@link Baselines}, parsed from {@code --name value} (or {@code --name=value}) arguments. The
 * defaults are for the full Fashion-MNIST run on {@code reference28} with the standard recipe; {@link #USAGE} lists
 * every option.
 *
 * @param space search space name: {@code reference28}, {@code tiny28} or {@code default28}
 * @param data {@code full} (Fashion-MNIST from disk) or {@code embedded} (the subset in the jar)
 * @param epochs epochs of each draw (SuperTickets and search-only)
 * @param retrainEpochs epochs of the fixed-mask retraining of the search, prune, retrain row
 * @param sparsity target unstructured sparsity of every pruned row
 * @param seed the one seed of every draw, prune and retraining
 * @param trainLimit use a seeded random subset of this many training images (0: all)
 * @param testLimit use a seeded random subset of this many test images (0: all)
 * @param recipe the recipe preset of draws and retraining: {@code standard} or {@code reference}
 * @param batchSize mini-batch size of draws and retraining
 * @param learningRate peak one-cycle learning rate of draws and retraining
 * @param rho maximum weight of the resource-aware L1 penalty of the search
 * @param scope how every mask policy (the drawer's included) spreads the pruning budget over the tensors
 * @param out output directory of {@code baselines.md} and {@code baselines.json}
 * @param saveTickets whether to save every row's ticket as {@code <method>.stkt} in {@code out}
 */
public record BaselineOptions(String space, String data, int epochs, int retrainEpochs, double sparsity, long seed,
    int trainLimit, int testLimit, String recipe, int batchSize, double learningRate, double rho, Scope scope,
    Path out,
    boolean saveTickets) {

  /** The command-line help. */
  public static final String USAGE = """
      usage: Baselines [options]   (with Maven: -Dst.main=dev.supertickets.examples.Baselines -Dst.args="...")
        --space NAME               reference28, tiny28 or default28 (default reference28)
        --data full|embedded       full: Fashion-MNIST from /usr/share/datasets/fashion-mnist (default);
                                   embedded: the 5,000/1,000-image subset in the jar
        --epochs N                 epochs of each draw (default 10)
        --retrain-epochs N         epochs of the fixed-mask retraining (default: --epochs)
        --sparsity S               target sparsity of the pruned rows, in (0, 1) (default 0.9)
        --seed N                   the one seed (default 1995)
        --train-limit N            seeded random subset of N training images, 0 = all (default 0)
        --test-limit N             seeded random subset of N test images, 0 = all (default 0)
        --recipe standard|reference  the recipe of draws and retraining (default standard)
        --batch-size N             (default: the recipe's)
        --lr X                     peak one-cycle learning rate (default: the standard recipe's)
        --rho X                    resource-aware L1 weight of the search (default: the standard recipe's)
        --scope erk|global|per-layer  layer-wise budget of every mask policy, the drawer's included
                                   (default erk; global is the reference's, and at 90% it emptied
                                   tiny28's 72-weight stem convolution, leaving chance accuracy)
        --out DIR                  output directory (default target/baselines)
        --save-tickets             also save each row's ticket as DIR/<method>.stkt
        --help                     this text""";

  /** Validates the values (messages name the option, the value, the rule and a fix). */
  public BaselineOptions {
    checkArgument(SPACES.containsKey(space), "--space must be one of %s, got %s", SPACES.keySet(), space);
    checkArgument(data.equals("full") || data.equals("embedded"),
        "--data must be full or embedded, got %s", data);
    checkArgument(epochs > 0, "--epochs must be positive, got %s; e.g. --epochs 10", epochs);
    checkArgument(retrainEpochs > 0, "--retrain-epochs must be positive, got %s; e.g. --retrain-epochs %s",
        retrainEpochs, epochs);
    checkArgument(sparsity > 0 && sparsity < 1, "--sparsity must be in (0, 1), got %s; e.g. --sparsity 0.9",
        sparsity);
    checkArgument(trainLimit >= 0, "--train-limit must be 0 (all) or positive, got %s", trainLimit);
    checkArgument(testLimit >= 0, "--test-limit must be 0 (all) or positive, got %s", testLimit);
    checkArgument(trainLimit == 0 || trainLimit >= batchSize,
        "--train-limit %s is smaller than one batch of %s; raise it or lower --batch-size", trainLimit, batchSize);
    checkArgument(recipe.equals("standard") || recipe.equals("reference"), "--recipe must be standard or reference, "
        + "got %s", recipe);
    checkArgument(batchSize > 0, "--batch-size must be positive, got %s; e.g. --batch-size 128", batchSize);
    checkArgument(learningRate > 0 && Double.isFinite(learningRate),
        "--lr must be positive and finite, got %s; e.g. --lr 0.02", learningRate);
    checkArgument(rho >= 0 && Double.isFinite(rho), "--rho must be finite and non-negative, got %s; e.g. --rho 0.02",
        rho);
    checkArgument(scope != null, "--scope must be erk, global or per-layer");
  }

  /** The spaces by name. */
  static final Map<String, java.util.function.Supplier<SearchSpace>> SPACES = Map.of(
      "reference28", SearchSpaces::reference28, "tiny28", SearchSpaces::tiny28, "default28", SearchSpaces::default28);

  /** The defaults: reference28 on full Fashion-MNIST, 10 epochs, 90% sparsity, the standard recipe. */
  public static BaselineOptions defaults() {
    Recipe r = Recipe.standard();
    return new BaselineOptions("reference28", "full", 10, 10, 0.9, 1995, 0, 0, "standard", r.batchSize(),
        r.learningRate(),
        r.rho(), Scope.ERK, Path.of("target", "baselines"), false);
  }

  /**
   * Parses arguments over the defaults. Each argument is also split at white space, because Maven's exec:exec
   * hands the whole {@code -Dst.args="..."} string over as one argument.
   *
   * @throws IllegalArgumentException for an unknown option, a missing or malformed value, or a value out of range
   */
  public static BaselineOptions parse(String... args) {
    List<String> tokens = tokens(args);
    BaselineOptions d = defaults();
    Map<String, String> v = new LinkedHashMap<>();
    boolean saveTickets = false;
    for (int i = 0; i < tokens.size(); i++) {
      String name = tokens.get(i);
      if (name.equals("--save-tickets")) {
        saveTickets = true;
        continue;
      }
      checkArgument(VALUED.contains(name), "unknown option %s; the options are %s, --save-tickets, --help", name,
          VALUED);
      checkArgument(i + 1 < tokens.size() && !tokens.get(i + 1).startsWith("--"),
          "option %s needs a value, e.g. %s %s", name, name, EXAMPLES.get(name));
      v.put(name, tokens.get(++i));
    }
    int epochs = integer(v, "--epochs", d.epochs());
    String recipe = v.getOrDefault("--recipe", d.recipe());
    checkArgument(recipe.equals("standard") || recipe.equals("reference"), "--recipe must be standard or reference, "
        + "got %s", recipe);
    Recipe base = Recipe.named(recipe);
    return new BaselineOptions(
        v.getOrDefault("--space", d.space()),
        v.getOrDefault("--data", d.data()),
        epochs,
        integer(v, "--retrain-epochs", epochs),
        real(v, "--sparsity", d.sparsity()),
        v.containsKey("--seed") ? longValue(v, "--seed") : d.seed(),
        integer(v, "--train-limit", d.trainLimit()),
        integer(v, "--test-limit", d.testLimit()),
        recipe,
        integer(v, "--batch-size", base.batchSize()),
        real(v, "--lr", base.learningRate()),
        real(v, "--rho", base.rho()),
        v.containsKey("--scope") ? scope(v.get("--scope")) : d.scope(),
        v.containsKey("--out") ? Path.of(v.get("--out")) : d.out(),
        saveTickets);
  }

  /**
   * The arguments split at white space (Maven's exec:exec hands {@code -Dst.args="..."} over as one argument), and
   * {@code --name=value} split into name and value.
   */
  static List<String> tokens(String... args) {
    List<String> tokens = new ArrayList<>();
    for (String a : args) {
      for (String t : a.trim().split("\\s+")) {
        if (!t.isEmpty()) {
          int eq = t.indexOf('=');
          if (t.startsWith("--") && eq > 0) {
            tokens.add(t.substring(0, eq));
            tokens.add(t.substring(eq + 1));
          } else {
            tokens.add(t);
          }
        }
      }
    }
    return tokens;
  }

  /** Whether the arguments ask for the help text. */
  public static boolean wantsHelp(String... args) {
    for (String a : args) {
      for (String t : a.trim().split("\\s+")) {
        if (t.equals("--help") || t.equals("-h")) {
          return true;
        }
      }
    }
    return false;
  }

  /** The search space named by {@link #space()}. */
  public SearchSpace searchSpace() {
    return SPACES.get(space).get();
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
    m.put("recipe", recipe);
    m.put("batchSize", batchSize);
    m.put("learningRate", learningRate);
    m.put("rho", rho);
    m.put("scope", scope.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    m.put("out", out.toString());
    return m;
  }

  private static final List<String> VALUED = List.of("--space", "--data", "--epochs", "--retrain-epochs",
      "--sparsity", "--seed", "--train-limit", "--test-limit", "--recipe", "--batch-size", "--lr", "--rho", "--scope",
      "--out");

  private static final Map<String, String> EXAMPLES = Map.ofEntries(Map.entry("--space", "tiny28"),
      Map.entry("--data", "embedded"), Map.entry("--epochs", "10"), Map.entry("--retrain-epochs", "10"),
      Map.entry("--sparsity", "0.9"), Map.entry("--seed", "1995"), Map.entry("--train-limit", "512"),
      Map.entry("--test-limit", "1000"), Map.entry("--recipe", "reference"), Map.entry("--batch-size", "128"),
      Map.entry("--lr", "0.04"),
      Map.entry("--rho", "1.8e-4"), Map.entry("--scope", "erk"),
      Map.entry("--out", "target/baselines"));

  private static int integer(Map<String, String> v, String name, int dflt) {
    if (!v.containsKey(name)) {
      return dflt;
    }
    try {
      return Integer.parseInt(v.get(name));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(String.format("%s must be an integer, got %s; e.g. %s %s", name,
          v.get(name), name, EXAMPLES.get(name)), e);
    }
  }

  private static long longValue(Map<String, String> v, String name) {
    try {
      return Long.parseLong(v.get(name));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(String.format("%s must be an integer, got %s; e.g. %s %s", name,
          v.get(name), name, EXAMPLES.get(name)), e);
    }
  }

  private static double real(Map<String, String> v, String name, double dflt) {
    if (!v.containsKey(name)) {
      return dflt;
    }
    try {
      return Double.parseDouble(v.get(name));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(String.format("%s must be a number, got %s; e.g. %s %s", name,
          v.get(name), name, EXAMPLES.get(name)), e);
    }
  }

  private static Scope scope(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "erk" -> Scope.ERK;
      case "global" -> Scope.GLOBAL;
      case "per-layer" -> Scope.PER_LAYER;
      default -> throw new IllegalArgumentException("--scope must be erk, global or per-layer, got " + s);
    };
  }
}

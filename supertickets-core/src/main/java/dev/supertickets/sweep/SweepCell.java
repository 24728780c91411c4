package dev.supertickets.sweep;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.draw.Recipe;
import dev.supertickets.io.Json;
import dev.supertickets.io.RecordComponents;
import dev.supertickets.space.SearchSpaces;
import java.util.Locale;
import java.util.Map;

/**
 * One draw of a sweep, described as data: a method at a sparsity and a seed, on a preset space with
 * a preset recipe for some epochs, on a data set. A cell is small, serialisable ({@link #toJson})
 * and recorded whole in its ticket's provenance, so that a grid can be shipped to workers and every
 * ticket says which cell drew it.
 *
 * @param method one of {@link SweepMethod#NAMES}
 * @param sparsity the target sparsity in [0, 1) (0 for {@code dense} and {@code search-only})
 * @param seed the one seed of the draw
 * @param epochs epochs of every training run of the method
 * @param space a preset of {@link SearchSpaces#named}
 * @param recipe {@code standard} or {@code reference} ({@link Recipe#named})
 * @param data {@code embedded} (the subset in the jar) or the path of an IDX folder that every
 *     worker sees
 * @param trainLimit a seeded random subset of the training images, 0 for all
 * @param testLimit a seeded random subset of the test images, 0 for all
 */
public record SweepCell(
    String method,
    double sparsity,
    long seed,
    int epochs,
    String space,
    String recipe,
    String data,
    int trainLimit,
    int testLimit) {
  /** The data set name that means the Fashion-MNIST subset bundled in the jar. */
  public static final String EMBEDDED = "embedded";

  /** Checks every field, naming the value and the fix. */
  public SweepCell {
    checkNotNull(method, "method must not be null; use one of %s", SweepMethod.NAMES);
    checkNotNull(space, "space must not be null; use one of %s", SearchSpaces.NAMES);
    checkNotNull(recipe, "recipe must not be null; use standard or reference");
    checkNotNull(data, "data must not be null; use %s or the path of an IDX folder", EMBEDDED);
    checkArgument(
        SweepMethod.NAMES.contains(method),
        "unknown method %s; use one of %s",
        method,
        SweepMethod.NAMES);
    checkArgument(sparsity >= 0 && sparsity < 1, "sparsity must be in [0, 1), got %s", sparsity);
    checkArgument(
        SweepMethod.of(method).prunes() || sparsity == 0,
        "method %s trains dense tickets: give it " + "sparsity 0, got %s",
        method,
        sparsity);
    checkArgument(
        !SweepMethod.of(method).prunes() || sparsity > 0,
        "method %s prunes: give it a sparsity above 0",
        method);
    checkArgument(epochs >= 1, "epochs must be at least 1, got %s", epochs);
    checkArgument(
        SearchSpaces.NAMES.contains(space),
        "unknown space %s; use one of %s",
        space,
        SearchSpaces.NAMES);
    Recipe.named(recipe); // refuses other names, naming the presets
    checkArgument(
        !data.isBlank(), "data must not be blank; use %s or the path of an IDX folder", EMBEDDED);
    checkArgument(
        trainLimit >= 0 && testLimit >= 0,
        "train and test limits must be 0 (all) or positive, got %s " + "and %s",
        trainLimit,
        testLimit);
  }

  /**
   * A name unique within a grid and safe as a file name, e.g. {@code gmp-0.900-seed1}: what the
   * cell's ticket, row and checkpoint are called.
   */
  public String id() {
    return String.format(Locale.ROOT, "%s-%.3f-seed%d", method.replace('+', '_'), sparsity, seed);
  }

  /** The fields by name, in declaration order. */
  public Map<String, Object> asMap() {
    return RecordComponents.of(this);
  }

  /** One line of JSON. */
  public String toJson() {
    return Json.write(asMap());
  }

  /** The cell {@link #toJson} wrote. */
  public static SweepCell fromJson(String json) {
    checkNotNull(json, "json must not be null");
    Object tree = Json.parse(json);
    checkArgument(tree instanceof Map<?, ?>, "a sweep cell is a JSON object, got %s", json);
    return fromMap((Map<?, ?>) tree);
  }

  /**
   * The cell whose fields {@code m} holds by name (a parsed {@link #toJson}, or a row that includes
   * them).
   */
  static SweepCell fromMap(Map<?, ?> m) {
    return new SweepCell(
        string(m, "method"),
        number(m, "sparsity").doubleValue(),
        number(m, "seed").longValue(),
        number(m, "epochs").intValue(),
        string(m, "space"),
        string(m, "recipe"),
        string(m, "data"),
        number(m, "trainLimit").intValue(),
        number(m, "testLimit").intValue());
  }

  private static String string(Map<?, ?> m, String key) {
    Object v = m.get(key);
    checkArgument(v instanceof String, "sweep cell field %s must be a string, got %s", key, v);
    return (String) v;
  }

  private static Number number(Map<?, ?> m, String key) {
    Object v = m.get(key);
    checkArgument(v instanceof Number, "sweep cell field %s must be a number, got %s", key, v);
    return (Number) v;
  }
}

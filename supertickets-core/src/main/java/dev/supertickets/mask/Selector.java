package dev.supertickets.mask;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.Param;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Which parameters are prunable: an immutable, named predicate on {@link Param}s that can be
 * combined with {@link #and}, {@link #or}, {@link #except} and {@link #negate}.
 *
 * <p>The default, {@link #prunableWeights()}, selects conv and linear weights ({@link
 * Param#isWeight()}) but not the classifier, as the reference does: by convention the classifier is
 * every parameter whose name starts with {@value #CLASSIFIER_PREFIX}. Networks that name their
 * classifier otherwise (e.g. {@code fc} in {@link dev.supertickets.nn.Networks}) exclude it with
 * {@code prunableWeights().except(namePrefix("fc"))}.
 *
 * <p>{@link #select} is strict where other libraries only warn: a selector that matches nothing is
 * an {@link IllegalArgumentException} that names the selector and lists some of the available
 * parameter names.
 */
public final class Selector {
  /** Name prefix that marks the classifier, which the default selector leaves dense. */
  public static final String CLASSIFIER_PREFIX = "classifier";

  private static final int NAMES_IN_ERRORS = 8;

  private final String description;
  private final Predicate<Param> predicate;

  private Selector(String description, Predicate<Param> predicate) {
    this.description = description;
    this.predicate = predicate;
  }

  /**
   * The default: conv and linear weights, excluding biases, batch-norm parameters and the
   * classifier (names starting with {@value #CLASSIFIER_PREFIX}).
   */
  public static Selector prunableWeights() {
    return weights().except(namePrefix(CLASSIFIER_PREFIX)).named("prunableWeights()");
  }

  /** Every conv and linear weight ({@link Param#isWeight()}), the classifier included. */
  public static Selector weights() {
    return new Selector("weights()", Param::isWeight);
  }

  /** Every parameter. */
  public static Selector all() {
    return new Selector("all()", p -> true);
  }

  /** Parameters of the given kinds. */
  public static Selector kinds(Param.Kind first, Param.Kind... more) {
    checkNotNull(first, "kind must not be null; pass e.g. Param.Kind.CONV_WEIGHT");
    ImmutableSet<Param.Kind> set = ImmutableSet.<Param.Kind>builder().add(first).add(more).build();
    return new Selector("kinds(" + set + ")", p -> set.contains(p.kind()));
  }

  /** Parameters whose name starts with {@code prefix}. */
  public static Selector namePrefix(String prefix) {
    checkNotNull(prefix, "name prefix must not be null; pass e.g. \"fc\"");
    checkArgument(!prefix.isEmpty(), "name prefix must not be empty; pass e.g. \"fc\"");
    return new Selector("namePrefix(\"" + prefix + "\")", p -> p.name().startsWith(prefix));
  }

  /** Parameters with exactly one of the given names. */
  public static Selector names(String first, String... more) {
    checkNotNull(first, "parameter name must not be null");
    checkNotNull(more, "more parameter names must not be null; pass none for one name");
    ImmutableSet<String> set = ImmutableSet.<String>builder().add(first).add(more).build();
    return new Selector("names(" + set + ")", p -> set.contains(p.name()));
  }

  /**
   * Parameters whose whole name matches a glob: {@code *} matches any run of characters (dots
   * included), {@code ?} exactly one character; everything else is literal. Example: {@code
   * "block*.dw.weight"}.
   */
  public static Selector nameGlob(String glob) {
    checkNotNull(glob, "name glob must not be null; pass e.g. \"block*.weight\"");
    checkArgument(!glob.isEmpty(), "name glob must not be empty; pass e.g. \"block*.weight\"");
    StringBuilder regex = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*') {
        regex.append(".*");
      } else if (c == '?') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    Pattern pattern = Pattern.compile(regex.toString());
    return new Selector("nameGlob(\"" + glob + "\")", p -> pattern.matcher(p.name()).matches());
  }

  /** Parameters whose whole name matches a Java regular expression. */
  public static Selector nameRegex(String regex) {
    checkNotNull(regex, "name regex must not be null");
    checkArgument(
        !regex.isEmpty(), "name regex must not be empty; pass e.g. \"conv\\\\d+\\\\.weight\"");
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "name regex \""
              + regex
              + "\" is not a valid Java regular expression: "
              + e.getDescription(),
          e);
    }
    return new Selector("nameRegex(\"" + regex + "\")", p -> pattern.matcher(p.name()).matches());
  }

  /** Parameters accepted by a predicate; {@code description} names it in error messages. */
  public static Selector where(String description, Predicate<Param> predicate) {
    checkNotNull(
        description, "selector description must not be null; it names the selector in messages");
    checkNotNull(predicate, "selector predicate must not be null");
    checkArgument(
        !description.isBlank(),
        "selector description must not be blank; it names the selector in error messages");
    checkNotNull(predicate, "predicate of selector %s must not be null", description);
    return new Selector(description, predicate);
  }

  /** Parameters matched by this selector and by {@code other}. */
  public Selector and(Selector other) {
    checkNotNull(other, "selector to combine must not be null");
    return new Selector(
        "(" + description + " and " + other.description + ")", predicate.and(other.predicate));
  }

  /** Parameters matched by this selector or by {@code other}. */
  public Selector or(Selector other) {
    checkNotNull(other, "selector to combine must not be null");
    return new Selector(
        "(" + description + " or " + other.description + ")", predicate.or(other.predicate));
  }

  /** Parameters matched by this selector but not by {@code other}. */
  public Selector except(Selector other) {
    checkNotNull(other, "selector to exclude must not be null");
    return new Selector(
        description + ".except(" + other.description + ")",
        predicate.and(other.predicate.negate()));
  }

  /** Parameters not matched by this selector. */
  public Selector negate() {
    return new Selector("not(" + description + ")", predicate.negate());
  }

  /** The same selector under another description. */
  public Selector named(String newDescription) {
    checkNotNull(
        newDescription, "selector description must not be null; it names the selector in messages");
    return where(newDescription, predicate);
  }

  /** Whether this selector matches {@code param}. */
  public boolean matches(Param param) {
    return predicate.test(param);
  }

  /** The matching parameters of {@code model}, in {@link Module#params()} order. */
  public ImmutableList<Param> select(Module model) {
    checkNotNull(model, "model must not be null");
    return select(model.params());
  }

  /**
   * The matching parameters among {@code params}, in order.
   *
   * @throws IllegalArgumentException if none matches; the message names this selector and lists
   *     some of the available parameter names
   */
  public ImmutableList<Param> select(List<Param> params) {
    checkNotNull(params, "parameter list must not be null");
    ImmutableList<Param> out =
        params.stream().filter(predicate).collect(ImmutableList.toImmutableList());
    if (out.isEmpty()) {
      String available =
          params.stream()
              .limit(NAMES_IN_ERRORS)
              .map(
                  p -> p.name() + " (" + p.kind() + ", " + Arrays.toString(p.value().shape()) + ")")
              .collect(Collectors.joining(", "));
      throw new IllegalArgumentException(
          String.format(
              "selector %s matched none of the %s parameters; available: %s%s; check the name"
                  + " pattern or kind (the classifier, named %s*, is excluded by default)",
              description,
              params.size(),
              params.isEmpty() ? "none" : available,
              params.size() > NAMES_IN_ERRORS ? ", ..." : "",
              CLASSIFIER_PREFIX));
    }
    return out;
  }

  /** The human-readable description used in error messages. */
  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return description;
  }
}

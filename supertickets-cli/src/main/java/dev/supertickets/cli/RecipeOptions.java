package dev.supertickets.cli;

import dev.supertickets.draw.Recipe;
import dev.supertickets.draw.SuperTicketsDrawer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The recipe options that every program drawing tickets shares ({@code draw}, {@code compare},
 * {@code FamilyComparison}, {@code TransferComparison}): the preset by name and the single values
 * most often changed; each unset value is the preset's. Add it with picocli's {@code @Mixin}.
 */
public final class RecipeOptions {
  @Option(
      names = "--recipe",
      paramLabel = "standard|reference",
      defaultValue = "standard",
      description =
          "The training recipe: standard (the tuned defaults) or reference (the official code's);"
              + " --batch-size, --lr and --rho change single values of it (default:"
              + " ${DEFAULT-VALUE}).")
  String name;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      description = "Mini-batch size (default: the recipe's).")
  Integer batchSize;

  @Option(
      names = "--lr",
      paramLabel = "X",
      description = "Peak learning rate of the one-cycle AdamW schedule (default: the recipe's).")
  Double learningRate;

  @Option(
      names = "--rho",
      paramLabel = "X",
      description =
          "Weight of the resource-aware L1 penalty that drives the search (default: the recipe's).")
  Double rho;

  /** Checks every value, naming the option. */
  void check(CommandSpec spec) {
    Checks.option(
        spec,
        name.equals("standard") || name.equals("reference"),
        "--recipe must be standard or " + "reference, got %s",
        name);
    Checks.option(
        spec,
        batchSize == null || batchSize > 0,
        "--batch-size must be positive, got %s; e.g. " + "--batch-size 64",
        batchSize);
    Checks.option(
        spec,
        learningRate == null || learningRate > 0 && Double.isFinite(learningRate),
        "--lr must be positive and finite, got %s; e.g. --lr 0.04",
        learningRate);
    Checks.option(
        spec,
        rho == null || rho >= 0 && Double.isFinite(rho),
        "--rho must be finite and non-negative, " + "got %s; e.g. --rho 1.8e-4",
        rho);
  }

  /**
   * The named preset with the values given on the command line; a bad value is refused naming the
   * rule.
   */
  public Recipe recipe() {
    SuperTicketsDrawer.Builder b =
        SuperTicketsDrawer.builder(dev.supertickets.space.SearchSpaces.tiny28());
    applyTo(b);
    return b.recipe();
  }

  /** Sets the preset, then the values given, on a drawer's builder. */
  void applyTo(SuperTicketsDrawer.Builder b) {
    b.recipe(Recipe.named(name));
    if (batchSize != null) {
      b.batchSize(batchSize);
    }
    if (learningRate != null) {
      b.learningRate(learningRate);
    }
    if (rho != null) {
      b.rho(rho);
    }
  }
}

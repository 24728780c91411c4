package dev.supertickets.cli;

import dev.supertickets.cli.IdxDirectory.DataSplits;
import dev.supertickets.draw.Recipe;
import dev.supertickets.experiments.BaselineOptions;
import dev.supertickets.experiments.BaselineReport;
import dev.supertickets.experiments.Baselines;
import dev.supertickets.mask.Scope;
import dev.supertickets.tensor.Backend;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code supertickets compare}: the {@link Baselines} comparison, with its options and defaults.
 */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    versionProvider = SuperTicketsCli.Version.class,
    description =
        "Draws a SuperTicket and runs, from the same seed and data, search only (HR-NAS), search"
            + " then one-shot pruning (magnitude, random, SNIP, GraSP, SynFlow) and search, prune"
            + " and retrain; prints the Markdown table and writes it with a JSON twin to --out."
            + " Progress goes to stderr.",
    footer = {
      "%nExample:",
      "  supertickets compare --space tiny28 --data embedded --epochs 2 --train-limit 512 --out"
          + " baselines"
    })
final class CompareCommand implements Callable<Integer> {
  @ParentCommand SuperTicketsCli cli;
  @Spec CommandSpec spec;
  @Mixin DataOptions data;
  @Mixin RecipeOptions recipe;

  @Option(
      names = "--space",
      paramLabel = "reference28|tiny28|default28",
      defaultValue = "reference28",
      description = "Search space (default: ${DEFAULT-VALUE}).")
  String space;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      defaultValue = "10",
      description = "Epochs of each draw (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--retrain-epochs",
      paramLabel = "N",
      description = "Epochs of the fixed-mask retraining (default: --epochs).")
  Integer retrainEpochs;

  @Option(
      names = "--sparsity",
      paramLabel = "S",
      defaultValue = "0.9",
      description = "Target sparsity of the pruned rows, in (0, 1) (default: ${DEFAULT-VALUE}).")
  double sparsity;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "1995",
      description = "The one seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--train-limit",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Seeded random subset of N training images; 0: all (default: ${DEFAULT-VALUE}).")
  int trainLimit;

  @Option(
      names = "--test-limit",
      paramLabel = "N",
      defaultValue = "0",
      description = "Seeded random subset of N test images; 0: all (default: ${DEFAULT-VALUE}).")
  int testLimit;

  @Option(
      names = "--scope",
      paramLabel = "erk|global|per-layer",
      defaultValue = "erk",
      converter = Converters.ScopeName.class,
      description =
          "Layer-wise budget of every mask policy, the drawer's included (default:"
              + " ${DEFAULT-VALUE}).")
  Scope scope;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "DIR",
      defaultValue = "baselines",
      description =
          "Output directory of baselines.md and baselines.json (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--save-tickets",
      description = "Also save each row's ticket as DIR/<method>.stkt.")
  boolean saveTickets;

  @Override
  public Integer call() throws Exception {
    BaselineOptions o;
    recipe.check(spec);
    Recipe r = recipe.recipe();
    try {
      // the record checks every value with the option's name in the message
      o =
          new BaselineOptions(
              space,
              data.embedded() ? "embedded" : "full",
              epochs,
              retrainEpochs != null ? retrainEpochs : epochs,
              sparsity,
              seed,
              trainLimit,
              testLimit,
              r,
              scope,
              out,
              saveTickets);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Backend.init();
    DataSplits d = data.load();
    Checks.fits(spec, o.searchSpace(), d.train(), "training", o.batchSize());
    Checks.fits(spec, o.searchSpace(), d.test(), "test", 1);
    BaselineReport report = Baselines.run(o, d.train(), d.test(), cli.err());
    cli.out().print(report.markdown());
    cli.err()
        .println(
            "written: "
                + out.resolve(BaselineReport.MARKDOWN_FILE).toAbsolutePath()
                + ", "
                + out.resolve(BaselineReport.JSON_FILE).toAbsolutePath());
    return ExitCodes.OK;
  }
}

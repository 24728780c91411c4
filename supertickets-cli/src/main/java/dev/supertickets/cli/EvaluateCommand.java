package dev.supertickets.cli;

import dev.supertickets.cli.IdxDirectory.DataSplits;
import dev.supertickets.data.Dataset;
import dev.supertickets.experiments.Baselines;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.train.Metrics;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code supertickets evaluate}: a saved ticket's accuracy and loss on a data set. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    versionProvider = SuperTicketsCli.Version.class,
    description =
        "Loads a ticket file and prints its accuracy and mean cross-entropy loss on a data set"
            + " split (the ticket's own normalisation, BN in inference mode).",
    footer = {
      "%nExamples:",
      "  supertickets evaluate t.stkt --data embedded",
      "  supertickets evaluate t.stkt --split train --limit 10000"
    })
final class EvaluateCommand implements Callable<Integer> {
  @ParentCommand SuperTicketsCli cli;
  @Spec CommandSpec spec;
  @Mixin DataOptions data;

  @Mixin TicketArgument ticketFile;

  @Option(
      names = "--split",
      paramLabel = "test|train",
      defaultValue = "test",
      description = "Which split to evaluate on (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Evaluate on a seeded random subset of N images; 0: all (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description = "Seed of the --limit subset (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    Checks.option(
        spec,
        split.equals("test") || split.equals("train"),
        "--split must be test or train, got %s",
        split);
    Checks.option(spec, limit >= 0, "--limit must be 0 (all) or positive, got %s", limit);
    Backend.init();
    SuperTicket ticket = ticketFile.load();
    DataSplits splits = data.load();
    Dataset d =
        Baselines.limit(
            split.equals("test") ? splits.test() : splits.train(), limit, seed, split + "-limit");
    Checks.fits(spec, ticket.space(), d, "evaluation", 1);
    Metrics m = ticket.evaluate(d);
    PrintStream o = cli.out();
    o.printf(Locale.ROOT, "accuracy  %.4f%n", m.accuracy());
    o.printf(Locale.ROOT, "loss      %.4f%n", m.loss());
    o.printf(Locale.ROOT, "samples   %d%n", d.size());
    o.printf(Locale.ROOT, "data      %s%n", d.name());
    return ExitCodes.OK;
  }
}

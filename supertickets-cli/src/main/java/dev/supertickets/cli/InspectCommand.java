package dev.supertickets.cli;

import dev.supertickets.nn.Profiler;
import dev.supertickets.report.LayerDensity;
import dev.supertickets.space.SupernetCost;
import dev.supertickets.supernet.Architecture;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code supertickets inspect}: what a ticket file holds, without any data. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    versionProvider = SuperTicketsCli.Version.class,
    description =
        "Prints a ticket's architecture (hidden channels per block and path), the sparsity of every"
            + " masked layer, dense and sparse MACs and parameters against the supernet, and its"
            + " provenance.",
    footer = {"%nExample:", "  supertickets inspect t.stkt"})
final class InspectCommand implements Callable<Integer> {
  @ParentCommand SuperTicketsCli cli;

  @Mixin TicketArgument ticketFile;

  @Override
  public Integer call() throws Exception {
    Backend.init();
    SuperTicket t = ticketFile.load();
    SupernetCost supernet = t.space().cost();
    Profiler.Cost cost = t.cost();
    Architecture full = Architecture.full(t.space());
    List<LayerDensity> layers = LayerDensity.of(t);
    long weights = layers.stream().mapToLong(LayerDensity::weights).sum();
    long active = layers.stream().mapToLong(LayerDensity::active).sum();
    PrintStream o = cli.out();
    o.printf(Locale.ROOT, "ticket    %s%n", ticketFile.file.toAbsolutePath());
    o.printf(
        Locale.ROOT,
        "space     %s (input %s, %d classes)%n",
        t.space().name(),
        t.space().input(),
        t.space().head().numClasses());
    o.printf(
        Locale.ROOT,
        "method    %s, seed %s%n",
        t.provenance().get("method"),
        t.provenance().get("seed"));
    o.printf(
        Locale.ROOT,
        "sparsity  %.4f (%,d of %,d masked weights pruned, %d layers)%n",
        t.sparsity(),
        weights - active,
        weights,
        layers.size());
    o.printf(
        Locale.ROOT,
        "MACs      %,d dense, %,d sparse (supernet %,d)%n",
        cost.macs(),
        cost.sparseMacs(),
        supernet.macs());
    o.printf(
        Locale.ROOT,
        "params    %,d dense, %,d sparse (supernet %,d)%n",
        cost.params(),
        cost.sparseParams(),
        supernet.trainableParams());
    o.printf(
        Locale.ROOT,
        "channels  %,d of %,d searchable hidden channels, %d of %d paths%n",
        t.architecture().totalHidden(),
        full.totalHidden(),
        t.architecture().livePaths(),
        full.livePaths());

    List<Integer> kernels = t.space().block().kernelSizes();
    int nameWidth =
        Math.max(
            5,
            t.architecture().hidden().keySet().stream().mapToInt(String::length).max().orElse(5));
    o.printf(Locale.ROOT, "%narchitecture (hidden channels per path: kept/supernet)%n");
    StringBuilder head =
        new StringBuilder(String.format(Locale.ROOT, "  %-" + nameWidth + "s", "block"));
    kernels.forEach(k -> head.append(String.format(Locale.ROOT, "  %9s", "k" + k)));
    o.println(head);
    t.architecture()
        .hidden()
        .forEach(
            (block, hidden) -> {
              StringBuilder row =
                  new StringBuilder(String.format(Locale.ROOT, "  %-" + nameWidth + "s", block));
              for (int i = 0; i < hidden.size(); i++) {
                row.append(
                    String.format(
                        Locale.ROOT, "  %9s", hidden.get(i) + "/" + full.of(block).get(i)));
              }
              o.println(row);
            });

    int layerWidth =
        Math.max(5, layers.stream().mapToInt(l -> l.shortName().length()).max().orElse(5));
    o.printf(Locale.ROOT, "%nlayers (masked weights)%n");
    o.printf(
        Locale.ROOT,
        "  %-" + layerWidth + "s  %-12s  %9s  %9s  %8s%n",
        "layer",
        "shape",
        "weights",
        "kept",
        "sparsity");
    for (LayerDensity l : layers) {
      o.printf(
          Locale.ROOT,
          "  %-" + layerWidth + "s  %-12s  %,9d  %,9d  %8.4f%n",
          l.shortName(),
          l.shapeText(),
          l.weights(),
          l.active(),
          1 - l.density());
    }

    o.printf(Locale.ROOT, "%nprovenance%n");
    int keyWidth =
        t.provenance().entries().keySet().stream().mapToInt(String::length).max().orElse(4);
    t.provenance()
        .entries()
        .forEach((k, v) -> o.printf(Locale.ROOT, "  %-" + keyWidth + "s  %s%n", k, v));
    return ExitCodes.OK;
  }
}

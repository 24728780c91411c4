package dev.supertickets.cli;

import dev.supertickets.data.DatasetNotFoundException;
import dev.supertickets.io.FileFormatException;
import dev.supertickets.ticket.Provenance;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code supertickets} command line: {@code draw}, {@code evaluate}, {@code compare} and {@code
 * inspect}. Results go to stdout, progress and errors to stderr; the exit codes are {@link
 * ExitCodes}. With Maven: {@code mvn -q -pl supertickets-cli exec:exec
 * -Dst.main=dev.supertickets.cli.SuperTicketsCli -Dst.args="draw --help"}.
 */
@Command(
    name = "supertickets",
    mixinStandardHelpOptions = true,
    versionProvider = SuperTicketsCli.Version.class,
    description =
        "Draws SuperTickets: sparse subnetworks found by searching the architecture and pruning the"
            + " weights of a supernet in one training run.",
    subcommands = {
      DrawCommand.class,
      EvaluateCommand.class,
      CompareCommand.class,
      InspectCommand.class,
      TransferCommand.class,
      ExportCommand.class,
      SweepCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "%nExamples:",
      "  supertickets draw --space tiny28 --data embedded --epochs 4 --out t.stkt --report report",
      "  supertickets inspect t.stkt",
      "  supertickets evaluate t.stkt --data /usr/share/datasets/fashion-mnist",
      "  supertickets compare --space tiny28 --data embedded --epochs 2 --out baselines",
      "  supertickets export t.stkt --format onnx --out t.onnx"
    })
public final class SuperTicketsCli implements Runnable {
  private final PrintStream out;
  private final PrintStream err;

  @Spec CommandSpec spec;

  SuperTicketsCli(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    // ND4J's start-up banner would bury the progress on stderr; the draw line names the backend
    // instead
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    String[] split;
    try {
      split = Args.of(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(ExitCodes.USAGE);
      return;
    }
    System.exit(run(System.out, System.err, split));
  }

  /**
   * Runs one command line and returns its exit code ({@link ExitCodes}); never calls System.exit.
   */
  public static int run(PrintStream out, PrintStream err, String... args) {
    return commandLine(out, err).execute(args);
  }

  /**
   * The configured command line, for callers that want picocli's API (completion scripts, tests).
   */
  public static CommandLine commandLine(PrintStream out, PrintStream err) {
    CommandLine cl = new CommandLine(new SuperTicketsCli(out, err));
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cl.setUsageHelpWidth(100);
    cl.setParameterExceptionHandler(SuperTicketsCli::usageError);
    cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> failure(ex, cmd.getErr()));
    exitCodesInHelp(cl);
    return cl;
  }

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "missing command: use draw, evaluate, compare, inspect, transfer, export or sweep");
  }

  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }

  /**
   * A short usage error: the message, suggestions for a typo, and where the help is; exit code 2.
   */
  private static int usageError(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("error: " + ex.getMessage());
    UnmatchedArgumentException.printSuggestions(ex, err);
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
    err.flush();
    return ExitCodes.USAGE;
  }

  /** Maps what a command threw to an exit code; only unexpected failures get a stack trace. */
  static int failure(Exception ex, PrintWriter err) {
    int code;
    if (ex instanceof DatasetNotFoundException e) {
      err.println("error: " + e.getMessage());
      code = ExitCodes.NOT_FOUND;
    } else if (ex instanceof NoSuchFileException e) {
      err.println(
          "error: file not found: "
              + e.getFile()
              + (e.getReason() == null ? "" : " (" + e.getReason() + ")")
              + "; check the path (relative paths start in "
              + System.getProperty("user.dir")
              + ")");
      code = ExitCodes.NOT_FOUND;
    } else if (ex instanceof FileFormatException e) {
      err.println("error: " + e.getMessage());
      code = ExitCodes.BAD_FILE;
    } else {
      err.println("error: " + ex);
      ex.printStackTrace(err);
      code = ExitCodes.FAILURE;
    }
    err.flush();
    return code;
  }

  private static void exitCodesInHelp(CommandLine cl) {
    cl.getCommandSpec()
        .usageMessage()
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(ExitCodes.DESCRIPTIONS);
    cl.getSubcommands().values().forEach(SuperTicketsCli::exitCodesInHelp);
  }

  /** {@code --version}: the library, ND4J and Java. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "supertickets " + Provenance.LIBRARY_VERSION,
        "ND4J 1.0.0-M2.1, Java " + System.getProperty("java.version")
      };
    }
  }
}

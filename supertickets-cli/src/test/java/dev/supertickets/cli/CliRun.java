package dev.supertickets.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One command line run in-process: its exit code, stdout and stderr. */
record CliRun(int code, String out, String err) {
  static CliRun of(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        SuperTicketsCli.run(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new CliRun(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** A value of the key-value lines draw and evaluate print ({@code accuracy 0.8123}). */
  String value(String key) {
    return out.lines()
        .filter(l -> l.startsWith(key + " "))
        .map(l -> l.substring(key.length()).trim())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line " + key + " in:\n" + out));
  }
}

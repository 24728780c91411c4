package dev.supertickets.cli;

import dev.supertickets.ticket.SuperTicket;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Parameters;

/** The TICKET argument of the commands that read a ticket file (a picocli mixin). */
final class TicketArgument {
  @Parameters(
      index = "0",
      paramLabel = "TICKET",
      description = "A ticket file written by draw (or " + "SuperTicket.save).")
  Path file;

  /** The ticket in the file; {@code FileFormatException} (exit 4) when it is damaged or newer. */
  SuperTicket load() throws IOException {
    return SuperTicket.load(file);
  }
}

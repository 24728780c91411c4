/**
 * The {@code supertickets} command line, built on picocli: {@link
 * dev.supertickets.cli.SuperTicketsCli} and its subcommands {@code draw} (with checkpoints and
 * resume), {@code evaluate}, {@code compare}, {@code transfer} and {@code inspect}. Every command
 * reads any IDX data set through {@code --data}, prints results as {@code key value} lines on
 * stdout and progress on stderr, and ends with an exit code from {@code ExitCodes} that scripts can
 * rely on.
 */
package dev.supertickets.cli;

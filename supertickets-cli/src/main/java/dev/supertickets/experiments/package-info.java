/**
 * The programs behind the README's tables, each one command that writes a Markdown table with a
 * JSON twin atomically: {@link dev.supertickets.experiments.Baselines} (SuperTickets against its
 * baselines, also {@code supertickets compare}), {@link
 * dev.supertickets.experiments.ReferenceTable} (the official code's Fashion-MNIST table on several
 * seeds), {@link dev.supertickets.experiments.FamilyComparison} (every drawer of the ticket family
 * at several sparsities), {@link dev.supertickets.experiments.SeedSummary} (mean and spread over
 * seeds) and {@link dev.supertickets.experiments.TransferComparison} (tickets across tasks). Run
 * one with {@code mvn -q -B -pl supertickets-cli exec:exec
 * -Dst.main=dev.supertickets.experiments.NAME -Dst.args="..."}.
 */
package dev.supertickets.experiments;

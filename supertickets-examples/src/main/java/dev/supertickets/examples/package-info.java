/**
 * Runnable examples, each a {@code main} that the README quotes and a test runs: {@link
 * dev.supertickets.examples.QuickStart}, the main job (draw a SuperTicket on the Fashion-MNIST subset bundled in the
 * core, print it, save it); {@link dev.supertickets.examples.CustomPolicyExample}, a pruning policy of one's own;
 * {@link dev.supertickets.examples.MaskedCnnExample}, masked training of a small CNN; and {@link
 * dev.supertickets.examples.Baselines}, SuperTickets against its baselines from one seed, written as a Markdown
 * table with a JSON twin. Run one with {@code mvn -q -B -pl supertickets-examples exec:exec -Dst.main=CLASS}.
 */
package dev.supertickets.examples;

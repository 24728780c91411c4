/**
 * Runnable examples of the API, each a {@code main} that the README quotes and a test runs: {@link
 * dev.supertickets.examples.QuickStart}, the main job (draw a SuperTicket on the Fashion-MNIST
 * subset bundled in the core, print it beside what it beat, save it); {@link
 * dev.supertickets.examples.JointLoopExample}, the joint loop written from public building blocks;
 * {@link dev.supertickets.examples.CustomPolicyExample}, a pruning policy of one's own; {@link
 * dev.supertickets.examples.TicketFamilyExample}, the other drawers through the same API; and
 * {@link dev.supertickets.examples.MaskedCnnExample}, masked training of a small CNN. Run one with
 * {@code mvn -q -B -pl supertickets-examples exec:exec -Dst.main=CLASS}. The command line and the
 * programs behind the README's tables live in {@code supertickets-cli}.
 */
package dev.supertickets.examples;
